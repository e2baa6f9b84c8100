package doctor

import (
	"encoding/json"
	"errors"
	"os"

	"github.com/tablerase/tablerase/host/internal/install"
	"github.com/tablerase/tablerase/host/internal/machine"
)

// hostBinaryChecks: a system-level manifest makes every user's browser run
// the program it names, so that program must be one no ordinary user can
// change. Each distinct program named by a system-level manifest is checked
// with the rule install --system applies (install.CheckHostBinary); a missing
// program is left to the manifest check, which already fails on it.
func hostBinaryChecks(in Inputs) []Check {
	seen := map[string]bool{}
	var out []Check
	for _, b := range machine.All {
		if !in.Env.Present(b) {
			continue
		}
		path, level, ok := findManifest(in, b)
		if !ok || level != install.System {
			continue
		}
		data, err := os.ReadFile(in.Env.Path(path))
		var m install.Manifest
		if err != nil || json.Unmarshal(data, &m) != nil || m.Path == "" || seen[m.Path] {
			continue
		}
		seen[m.Path] = true
		out = append(out, hostBinaryCheck(in.Env, m.Path))
	}
	return out
}

func hostBinaryCheck(env machine.Env, p string) Check {
	c := Check{ID: "host_binary", Required: true, Status: OK, detail: p,
		FR: "Programme de l'hôte déclaré pour tous les utilisateurs : seul un administrateur peut le modifier",
		EN: "Host program registered for all users: only an administrator can modify it"}
	err := install.CheckHostBinary(env, p)
	var ue *install.UnsafePathError
	switch {
	case err == nil:
		return c
	case errors.As(err, &ue) && ue.Reason == install.ReasonMissing:
		c.Status = Info
		c.FR, c.EN = "Programme de l'hôte absent : non vérifié (voir le manifeste)", "Host program missing: not checked (see the manifest)"
		return c
	case errors.As(err, &ue):
		c.FR = "Le programme déclaré pour tous les utilisateurs peut être modifié ou remplacé par un non-administrateur (raison : " + ue.Reason + ")"
		c.EN = "The program registered for all users can be modified or replaced by a non-administrator (reason: " + ue.Reason + ")"
	default:
		c.FR = "Le programme déclaré pour tous les utilisateurs n'a pas pu être vérifié (raison : " + install.ReasonUnchecked + ")"
		c.EN = "The program registered for all users could not be checked (reason: " + install.ReasonUnchecked + ")"
	}
	c.Status = Fail
	c.detail = err.Error() // holds the path: text output only
	switch env.OS {
	case "windows":
		c.FixFR = `Réinstaller avec le MSI (C:\Program Files\TableRase), ou copier tablerase.exe dans un dossier de C:\Program Files que seuls les administrateurs peuvent modifier, puis relancer « tablerase install --system » depuis là.`
		c.FixEN = `Reinstall with the MSI (C:\Program Files\TableRase), or copy tablerase.exe to a folder under C:\Program Files that only administrators can change, then run "tablerase install --system" from there.`
	case "darwin":
		c.FixFR = "Copier tablerase dans un dossier que seul root peut modifier, par exemple /Library/Application Support/TableRase/ (pas /usr/local, que Homebrew confie à un utilisateur ; propriétaire root, mode 0755, le programme aussi), puis relancer « sudo tablerase install --system » depuis là."
		c.FixEN = `Copy tablerase to a folder only root can change, for example /Library/Application Support/TableRase/ (not /usr/local, which Homebrew gives to a user; owned by root, mode 0755, the binary too), then run "sudo tablerase install --system" from there.`
	default:
		c.FixFR = "Copier tablerase dans un dossier que seul root peut modifier, par exemple /usr/local/lib/tablerase/ (propriétaire root, mode 0755, le programme aussi), puis relancer « sudo tablerase install --system » depuis là."
		c.FixEN = `Copy tablerase to a folder only root can change, for example /usr/local/lib/tablerase/ (owned by root, mode 0755, the binary too), then run "sudo tablerase install --system" from there.`
	}
	return c
}
