package machine

const nativeOS = "windows"
