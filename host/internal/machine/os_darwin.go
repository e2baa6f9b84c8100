package machine

const nativeOS = "darwin"
