package doctor

// refusedWhy says, per guard code, what kind of folder was named, in the words an admin reads.
var refusedWhy = map[string][2]string{
	"root":       {"c'est la racine d'un disque ou d'un partage", "it is the root of a disk or share"},
	"home":       {"c'est le dossier personnel de l'utilisateur, ou un dossier qui le contient", "it is the user's home folder, or a folder containing it"},
	"other_user": {"c'est le dossier d'un autre utilisateur, ou il en contient un", "it is another user's folder, or contains one"},
	"system":     {"c'est un dossier du système, ou il en contient un", "it is a system folder, or contains one"},
	"state":      {"il contient l'état de Table rase (ou s'y trouve)", "it holds Table rase's state (or lies inside it)"},
	"config":     {"il contient la configuration de Table rase", "it holds Table rase's configuration"},
	"binary":     {"il contient le programme tablerase lui-même", "it holds the tablerase program itself"},
	"relative":   {"ce n'est pas un chemin absolu", "it is not an absolute path"},
}

// refusedCheck: a folder the guard refuses is never wiped, so the computer does not do what the
// receipt is for. It fails the diagnosis with what to do.
func refusedCheck(f Folder) Check {
	why, ok := refusedWhy[f.Refused]
	if !ok {
		why = [2]string{"il est protégé (" + f.Refused + ")", "it is protected (" + f.Refused + ")"}
	}
	c := Check{ID: "folder", Label: f.Label, Required: true, Status: Fail, detail: f.Path,
		FR: "Dossier surveillé « " + f.Label + " » refusé, il ne sera jamais vidé : " + why[0],
		EN: "Watched folder " + f.Label + " refused, it will never be emptied: " + why[1]}
	if f.Label == "downloads" || f.Label == "scans" || f.Label == "scans-2" {
		c.FixFR = "Remettre le dossier Téléchargements à sa place (xdg-user-dirs-update, ou la redirection de dossier de Windows), dans le dossier personnel ; ou désactiver « default_folders » et nommer les dossiers dans « watch »."
		c.FixEN = `Put the Downloads folder back in its place (xdg-user-dirs-update, or Windows folder redirection), inside the home folder; or turn "default_folders" off and name the folders in "watch".`
	} else {
		c.FixFR = "Dans « watch », nommer un dossier précis à l'intérieur du dossier personnel (par exemple ~/Documents/Scans), jamais le dossier personnel, une racine, un dossier système ou celui de Table rase."
		c.FixEN = `In "watch", name a precise folder inside the home folder (for example ~/Documents/Scans), never the home folder, a root, a system folder or Table rase's own.`
	}
	return c
}
