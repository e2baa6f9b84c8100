// Package machine describes the computer the host runs on: which browsers it
// knows and where each keeps its profiles, policies and native-messaging
// manifests, per OS.
package machine
