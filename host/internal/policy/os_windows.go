package policy

const nativeOS = "windows"
