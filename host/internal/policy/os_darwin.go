package policy

const nativeOS = "darwin"
