package policy

const nativeOS = "linux"
