package traces

import "os/exec"

// isolate: Windows starts no external clipboard tool (user32 is called
// directly); the default kill of exec.CommandContext is enough.
func isolate(*exec.Cmd) {}
