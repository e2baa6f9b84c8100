package machine

const nativeOS = "linux"
