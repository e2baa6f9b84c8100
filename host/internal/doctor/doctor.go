// Package doctor answers, in one command, "what is wrong on this computer?".
//
// Design decisions:
//
//   - The most common failure of native-messaging projects is "host not found"
//     after a partial install, so the manifest of every browser found is
//     checked the way the browser reads it: present where that browser looks
//     (registry key on Windows), valid JSON, our host name, a path that is this
//     very binary, our extension ids allowed — and not a user-level manifest
//     that a NativeMessagingUserLevelHosts=false policy makes the browser ignore.
//   - Each check says, in French and in English, what holds and, when it does
//     not, what to do next. Required checks decide the exit code; the others
//     (policies, missing watched folders, past cleanups) inform.
//   - Doctor reads everything through Inputs, so tests run it against a
//     temporary root and fakes; the CLI fills Inputs from the real computer.
//   - Output may show folder paths to the admin at the console; the JSON keeps
//     labels only, since scripts ship it to fleet tools.
package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tablerase/tablerase/host/internal/install"
	"github.com/tablerase/tablerase/host/internal/machine"
	"github.com/tablerase/tablerase/host/internal/policy"
)

// Status of one check.
type Status string

// The statuses.
const (
	OK   Status = "ok"
	Fail Status = "fail"
	Warn Status = "warn"
	Info Status = "info"
)

// Check is one line of the diagnosis.
type Check struct {
	ID       string `json:"id"` // "manifest", "host_binary", "policy", "config", "folder", "hook", "state", "cleanups", "browsers"
	Browser  string `json:"browser,omitempty"`
	Label    string `json:"label,omitempty"` // watched folder label
	Required bool   `json:"required"`
	Status   Status `json:"status"`
	FR       string `json:"fr"`
	EN       string `json:"en"`
	FixFR    string `json:"fix_fr,omitempty"`
	FixEN    string `json:"fix_en,omitempty"`
	detail   string // shown in text only (may hold a path)
}

// Folder is a watched folder as the config package resolves it; Refused is the guard's code
// for a folder that may never be wiped.
type Folder struct{ Label, Path, Refused string }

// Inputs is everything doctor looks at.
type Inputs struct {
	Env      machine.Env
	HostPath string           // this binary, on the target system
	Registry machine.Registry // Windows only
	Policies policy.Source
	// Config loads the host configuration (config.Load); its error is a failed
	// check. Folder and state paths are local paths: Env.Root does not apply.
	Config func() (scope string, folders []Folder, err error)
	// StateDir returns the host's state directory (config.StateDir).
	StateDir func() (string, error)
	// LastCleanups is how many session.end events to show.
	LastCleanups int
	// TaskInstalled reports whether the Windows logon task exists (install.TaskInstalled); nil
	// elsewhere, where the hook is files doctor reads itself.
	TaskInstalled func() (bool, error)
	// AllowedExtensions returns the configuration's allowed_extensions (the host's extra
	// callers); nil: none.
	AllowedExtensions func() []string
}

// Report is the whole diagnosis.
type Report struct {
	OK       bool          `json:"ok"` // every required check holds
	Checks   []Check       `json:"checks"`
	Policy   policy.Report `json:"policy"`
	Cleanups []Cleanup     `json:"cleanups"`
}

// Timeout bounds a whole run.
const Timeout = 10 * time.Second

// Run diagnoses the computer. It never fails: every problem is a check.
func Run(ctx context.Context, in Inputs) Report {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	var r Report
	if in.Policies != nil {
		r.Policy = policy.ReadFrom(ctx, in.Env, in.Policies)
	}
	present := 0
	for _, b := range machine.All {
		if !in.Env.Present(b) {
			continue
		}
		present++
		r.Checks = append(r.Checks, manifestCheck(ctx, in, b))
		if br, ok := r.Policy.Browsers[b]; ok {
			idc, allowed := extensionIDCheck(ctx, in, b)
			if allowed && br.Checks != nil {
				br.Checks[policy.CheckExtension] = true // IT's own build, force-installed under its id
			}
			r.Checks = append(r.Checks, policyCheck(b, br, placement(ctx, in, b)))
			if idc != nil {
				r.Checks = append(r.Checks, *idc)
			}
		}
	}
	r.Checks = append(r.Checks, hostBinaryChecks(in)...)
	if present == 0 {
		r.Checks = append(r.Checks, Check{ID: "browsers", Required: true, Status: Fail,
			FR:    "Aucun navigateur pris en charge trouvé (Chrome, Chromium, Edge, Brave, Firefox)",
			EN:    "No supported browser found (Chrome, Chromium, Edge, Brave, Firefox)",
			FixFR: "Installer un navigateur pris en charge, puis relancer « tablerase install ».",
			FixEN: `Install a supported browser, then run "tablerase install" again.`})
	}
	r.Checks = append(r.Checks, configChecks(in)...)
	r.Checks = append(r.Checks, hookCheck(in))
	state, c := stateCheck(in)
	r.Checks = append(r.Checks, c)
	if state != "" {
		n := in.LastCleanups
		if n <= 0 {
			n = 5
		}
		var cc Check
		r.Cleanups, cc = cleanupCheck(filepath.Join(state, LogFile), n)
		r.Checks = append(r.Checks, cc)
	}
	r.OK = true
	for _, c := range r.Checks {
		if c.Required && c.Status != OK {
			r.OK = false
		}
	}
	return r
}

var names = map[machine.Browser]string{machine.Chrome: "Chrome", machine.Chromium: "Chromium", machine.Edge: "Edge", machine.Brave: "Brave", machine.Firefox: "Firefox"}

// findManifest returns the manifest a browser would read, and its level.
func findManifest(in Inputs, b machine.Browser) (string, install.Level, bool) {
	for _, l := range []install.Level{install.System, install.User} {
		reg, err := install.Registrations(in.Env, l, b, in.HostPath)
		if err != nil {
			continue
		}
		if len(reg.Keys) > 0 { // Windows: the key names the manifest
			if in.Registry == nil {
				continue
			}
			h := machine.HKLM
			if l == install.User {
				h = machine.HKCU
			}
			for _, k := range reg.Keys {
				if v, ok, err := in.Registry.Get(h, k, ""); err == nil && ok && v.S != "" {
					return v.S, l, true
				}
			}
			continue
		}
		if _, err := os.Stat(in.Env.Path(reg.Manifest)); err == nil {
			return reg.Manifest, l, true
		}
	}
	return "", "", false
}

const (
	fixInstallFR = "Lancer « tablerase install --system » en administrateur (ou « tablerase install --user »)."
	fixInstallEN = `Run "tablerase install --system" as administrator (or "tablerase install --user").`
)

func manifestCheck(ctx context.Context, in Inputs, b machine.Browser) Check {
	n := names[b]
	c := Check{ID: "manifest", Browser: string(b), Required: true, Status: Fail, FixFR: fixInstallFR, FixEN: fixInstallEN}
	path, level, ok := findManifest(in, b)
	if !ok {
		c.FR = n + " : hôte non déclaré (le navigateur dira « native messaging host not found »)"
		c.EN = n + `: host not registered (the browser will say "native messaging host not found")`
		return c
	}
	c.detail = path
	data, err := os.ReadFile(in.Env.Path(path))
	if err != nil {
		c.FR, c.EN = n+" : le manifeste déclaré est introuvable ou illisible", n+": the registered manifest is missing or unreadable"
		return c
	}
	var m install.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		c.FR, c.EN = n+" : le manifeste n'est pas du JSON valide", n+": the manifest is not valid JSON"
		return c
	}
	if m.Name != policy.HostName || m.Type != "stdio" {
		c.FR, c.EN = n+" : le manifeste ne décrit pas l'hôte "+policy.HostName, n+": the manifest does not describe host "+policy.HostName
		return c
	}
	if !samePath(in.Env, m.Path, in.HostPath) {
		c.FR = n + " : le manifeste désigne un autre programme que celui-ci"
		c.EN = n + ": the manifest points to another program than this one"
		c.detail = path + " → " + m.Path
		c.FixFR = "Relancer « tablerase install » avec ce programme-ci, ou supprimer l'ancienne installation."
		c.FixEN = `Run "tablerase install" again from this program, or remove the old installation.`
		return c
	}
	if _, err := os.Stat(in.Env.Path(m.Path)); err != nil {
		c.FR, c.EN = n+" : le programme désigné par le manifeste n'existe pas", n+": the program named by the manifest does not exist"
		return c
	}
	if b.IsFirefox() && !slices.Contains(m.AllowedExtensions, policy.FirefoxID) ||
		!b.IsFirefox() && !slices.Contains(m.AllowedOrigins, "chrome-extension://"+policy.ChromiumID+"/") {
		c.FR, c.EN = n+" : le manifeste n'autorise pas l'extension Table rase", n+": the manifest does not allow the Table rase extension"
		return c
	}
	if level == install.User && !b.IsFirefox() && userHostsBlocked(ctx, in, b) {
		c.FR = n + " : hôte déclaré pour l'utilisateur seulement, mais la stratégie NativeMessagingUserLevelHosts l'interdit"
		c.EN = n + ": host registered for the user only, but policy NativeMessagingUserLevelHosts forbids user-level hosts"
		c.FixFR, c.FixEN = "Lancer « tablerase install --system » en administrateur.", `Run "tablerase install --system" as administrator.`
		return c
	}
	c.Status, c.FixFR, c.FixEN = OK, "", ""
	lv := map[install.Level][2]string{install.System: {"tous les utilisateurs", "all users"}, install.User: {"cet utilisateur", "this user"}}[level]
	c.FR = n + " : hôte déclaré (" + lv[0] + ")"
	c.EN = n + ": host registered (" + lv[1] + ")"
	return c
}

func userHostsBlocked(ctx context.Context, in Inputs, b machine.Browser) bool {
	if in.Policies == nil {
		return false
	}
	v, err := in.Policies.Policies(ctx, b)
	return err == nil && (v["NativeMessagingUserLevelHosts"] == false || v["NativeMessagingUserLevelHosts"] == float64(0))
}

var checkWords = map[string][2]string{
	policy.CheckHistory:        {"historique non enregistré", "history not saved"},
	policy.CheckPasswords:      {"mots de passe non enregistrés", "passwords not saved"},
	policy.CheckAutofill:       {"saisie automatique désactivée", "autofill off"},
	policy.CheckSync:           {"synchronisation désactivée", "sync off"},
	policy.CheckClearOnExit:    {"effacement à la fermeture", "cleared on exit"},
	policy.CheckExtension:      {"extension imposée", "extension force-installed"},
	policy.CheckPrivateWindows: {"fenêtres privées imposées", "private windows forced"},
	policy.CheckExtInPrivate:   {"extension active en navigation privée", "extension allowed in private windows"},
}

// placed says what doctor checks beyond hello's report in b's policies: where the button goes
// (Firefox default_area "navbar", Chromium toolbar_pin "force_pinned": one click for the aidant,
// not a menu) and, for Firefox, whether unsigned add-ons are let in (install --unsigned-xpi).
type placed struct {
	forced   bool // one of our extensions (the official ids, allowed_extensions) is force-installed
	toolbar  bool // and its entry puts the button on the toolbar
	unsigned bool // Firefox: xpinstall.signatures.required=false by policy
}

func placement(ctx context.Context, in Inputs, b machine.Browser) placed {
	var p placed
	if in.Policies == nil {
		return p
	}
	vals, err := in.Policies.Policies(ctx, b)
	if err != nil {
		return p
	}
	ours := []string{policy.ChromiumID, policy.FirefoxID}
	if in.AllowedExtensions != nil {
		ours = append(ours, in.AllowedExtensions()...)
	}
	all, _ := vals["ExtensionSettings"].(map[string]any)
	for _, id := range policy.ForcedExtensions(b, vals) {
		if !slices.Contains(ours, id) {
			continue
		}
		p.forced = true
		e, _ := all[id].(map[string]any)
		if b.IsFirefox() && e["default_area"] == "navbar" || !b.IsFirefox() && e["toolbar_pin"] == "force_pinned" {
			p.toolbar = true
		}
	}
	p.unsigned = b.IsFirefox() && policy.UnsignedXPIAllowed(vals)
	return p
}

func policyCheck(b machine.Browser, br policy.BrowserReport, pl placed) Check {
	n := names[b]
	c := Check{ID: "policy", Browser: string(b), Status: OK}
	var missFR, missEN []string
	for _, k := range policy.ChecksFor(b) {
		if k == policy.CheckPrivateWindows && !b.IsFirefox() {
			continue // incognito is the admin's choice, not a promise of ours
		}
		if !br.Checks[k] {
			missFR, missEN = append(missFR, checkWords[k][0]), append(missEN, checkWords[k][1])
		}
	}
	if pl.forced && !pl.toolbar {
		if b.IsFirefox() {
			missFR, missEN = append(missFR, "bouton dans la barre d'outils (default_area « navbar »)"), append(missEN, `button on the toolbar (default_area "navbar")`)
		} else {
			missFR, missEN = append(missFR, "bouton épinglé (toolbar_pin « force_pinned »)"), append(missEN, `button pinned (toolbar_pin "force_pinned")`)
		}
	}
	privFR := map[string]string{policy.PrivateForced: "navigation privée imposée", policy.PrivateProfile: "profil rendu privé par stratégie", policy.PrivateNone: "profil non privé"}[br.Private]
	privEN := map[string]string{policy.PrivateForced: "private browsing forced", policy.PrivateProfile: "profile made private by policy", policy.PrivateNone: "profile not private"}[br.Private]
	c.FR, c.EN = n+" : "+privFR, n+": "+privEN
	if pl.unsigned {
		// Said, not judged: IT's choice for its own unsigned XPI, honoured by ESR only.
		c.FR += " ; modules non signés acceptés (xpinstall.signatures.required=false, Firefox ESR seulement)"
		c.EN += "; unsigned add-ons accepted (xpinstall.signatures.required=false, Firefox ESR only)"
	}
	if br.Reason != "" {
		c.Status = Warn
		c.FR += " (stratégies illisibles : " + br.Reason + ")"
		c.EN += " (policies unreadable: " + br.Reason + ")"
	}
	if len(missFR) > 0 {
		c.Status = Warn
		c.FR += " ; manque : " + strings.Join(missFR, ", ")
		c.EN += "; missing: " + strings.Join(missEN, ", ")
		c.FixFR = "Déployer les stratégies : « tablerase install --system --policies », le paquet tablerase-policies, la fonctionnalité Policies du MSI ou le profil .mobileconfig."
		c.FixEN = `Deploy the policies: "tablerase install --system --policies", the tablerase-policies package, the MSI Policies feature or the .mobileconfig profile.`
	}
	return c
}

func configChecks(in Inputs) []Check {
	if in.Config == nil {
		return nil
	}
	scope, folders, err := in.Config()
	if err != nil {
		return []Check{{ID: "config", Required: true, Status: Fail,
			FR: "Configuration invalide : " + err.Error(), EN: "Invalid configuration: " + err.Error(),
			FixFR: "Corriger le fichier de configuration (ou les valeurs de stratégie TableRase) ; le champ fautif est nommé ci-dessus.",
			FixEN: "Fix the configuration file (or the TableRase policy values); the faulty field is named above."}}
	}
	out := []Check{{ID: "config", Required: true, Status: OK,
		FR: fmt.Sprintf("Configuration lue : portée « %s », %d dossier(s) surveillé(s)", scope, len(folders)),
		EN: fmt.Sprintf("Configuration read: scope %q, %d watched folder(s)", scope, len(folders))}}
	if len(folders) == 0 {
		out[0].Status = Warn
		out[0].FixFR = "Ajouter des dossiers (« watch ») ou réactiver « default_folders » : sinon aucun fichier ne sera effacé."
		out[0].FixEN = `Add folders ("watch") or turn "default_folders" back on: otherwise no file will be erased.`
	}
	for _, f := range folders {
		c := Check{ID: "folder", Label: f.Label, Status: OK, detail: f.Path,
			FR: "Dossier surveillé « " + f.Label + " » présent", EN: "Watched folder " + f.Label + " present"}
		if f.Refused != "" {
			out = append(out, refusedCheck(f))
			continue
		}
		if fi, err := os.Stat(f.Path); err != nil || !fi.IsDir() {
			c.Status = Warn
			c.FR, c.EN = "Dossier surveillé « "+f.Label+" » absent (rien à y effacer)", "Watched folder "+f.Label+" missing (nothing to erase there)"
			c.FixFR, c.FixEN = "Créer le dossier ou le retirer de « watch ».", `Create the folder or remove it from "watch".`
		}
		out = append(out, c)
	}
	return out
}

// hookCheck: the logon/logoff `tablerase clean` finishes an accompaniment cut short and clears what
// closed browsers keep: in scope "all" their stores and site data, in scope "session" what the
// accompaniment wrote in their files (caches, session restore, LevelDB logs, DOM caches), which
// no extension API removes. Without it nothing breaks at once, so it never fails the diagnosis,
// but it warns in both scopes: the promise « nothing of the person left on this computer » holds
// only once that clean has run. The hint says, in the scope's own terms, what is left without it.
func hookCheck(in Inputs) Check {
	c := Check{ID: "hook", Status: OK,
		FR: "Nettoyage à l'ouverture de session installé", EN: "Logon clean-up installed"}
	var state install.HookState
	if in.Env.OS == "windows" {
		ok := false
		var err error
		if in.TaskInstalled != nil {
			ok, err = in.TaskInstalled()
		}
		switch {
		case in.TaskInstalled == nil || err != nil:
			c.Status, c.FR, c.EN = Info, "Tâche planifiée de nettoyage non vérifiée", "Clean-up scheduled task not checked"
			return c
		case ok:
			state = install.HookInstalled
		}
	} else {
		state, _ = install.FindHook(in.Env, in.HostPath)
	}
	switch state {
	case install.HookInstalled:
		return c
	case install.HookOther:
		c.FR, c.EN = "Le nettoyage à l'ouverture de session lance un autre programme que celui-ci",
			"The logon clean-up runs another program than this one"
	default:
		c.FR, c.EN = "Nettoyage à l'ouverture et à la fermeture de session non installé",
			"Logon and logoff clean-up not installed"
	}
	c.Status = Warn
	scope := "session"
	if in.Config != nil {
		if s, _, err := in.Config(); err == nil && s == "all" {
			scope = "all"
		}
	}
	if scope == "all" {
		c.FixFR = "Relancer « tablerase install » (avec --system pour tout l'ordinateur) : sans ce nettoyage, un accompagnement interrompu n'est terminé qu'au prochain lancement du navigateur, et ce que les navigateurs gardent dans leurs fichiers après l'accompagnement (mots de passe, données des sites, caches, onglets, copies hors ligne des sites) n'est pas effacé."
		c.FixEN = `Run "tablerase install" again (with --system for the whole computer): without it an interrupted accompaniment is only finished at the next browser start, and what browsers keep in their files after an accompaniment (passwords, site data, caches, tabs, the sites' offline copies) is not erased.`
		return c
	}
	c.FixFR = "Relancer « tablerase install » (avec --system pour tout l'ordinateur) : sans ce nettoyage, ce que le navigateur a écrit dans ses fichiers pendant l'accompagnement (caches, onglets fermés, copies hors ligne des sites) n'est effacé que si Table rase le voit se fermer dans les 12 heures qui suivent la fin de l'accompagnement ; après un arrêt brutal de l'ordinateur ou une fermeture de session avant, il reste. Les cookies, mots de passe et données des sites de l'aidant ne sont jamais touchés."
	c.FixEN = `Run "tablerase install" again (with --system for the whole computer): without it, what the browser wrote in its files during the accompaniment (caches, closed tabs, the sites' offline copies) is only erased if Table rase sees the browser close within 12 hours of the end of the accompaniment; after the computer is switched off abruptly or the session is closed before, it stays. The aidant's own cookies, passwords and site data are never touched.`
	return c
}

func stateCheck(in Inputs) (string, Check) {
	c := Check{ID: "state", Required: true, Status: Fail,
		FixFR: "Vérifier les droits du dossier d'état de l'utilisateur (il doit lui appartenir, sans lien symbolique).",
		FixEN: "Check the user's state folder permissions (it must belong to the user, with no symbolic link)."}
	if in.StateDir == nil {
		c.Status, c.FR, c.EN, c.FixFR, c.FixEN = Info, "Dossier d'état non vérifié", "State folder not checked", "", ""
		return "", c
	}
	dir, err := in.StateDir()
	if err != nil {
		c.FR, c.EN = "Dossier d'état inutilisable", "State folder unusable"
		c.detail = err.Error() // may hold a path: text output only
		return "", c
	}
	c.detail = dir
	f, err := os.CreateTemp(dir, ".doctor-*")
	if err != nil {
		c.FR, c.EN = "Dossier d'état non inscriptible", "State folder not writable"
		return dir, c
	}
	f.Close()
	os.Remove(f.Name())
	c.Status, c.FixFR, c.FixEN = OK, "", ""
	c.FR, c.EN = "Dossier d'état utilisable", "State folder usable"
	return dir, c
}

// WriteJSON writes the report as one JSON object.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for a person: one line per check, French then
// English, and what to do under every check that does not hold.
func (r Report) WriteText(w io.Writer) error {
	marks := map[Status]string{OK: "[ OK ]", Fail: "[ÉCHEC/FAIL]", Warn: "[ATTENTION/WARN]", Info: "[INFO]"}
	var b strings.Builder
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "%s %s\n", marks[c.Status], c.FR)
		fmt.Fprintf(&b, "       %s\n", c.EN)
		if c.detail != "" {
			fmt.Fprintf(&b, "       (%s)\n", c.detail)
		}
		if c.FixFR != "" {
			fmt.Fprintf(&b, "       → À faire : %s\n       → To do: %s\n", c.FixFR, c.FixEN)
		}
	}
	if r.OK {
		b.WriteString("\nTout ce qui est nécessaire est en place. / Everything required is in place.\n")
	} else {
		b.WriteString("\nAu moins un point nécessaire manque (voir ÉCHEC). / At least one required item is missing (see FAIL).\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// samePath compares two target paths, following links (/usr/bin/tablerase is
// a link to /usr/lib/tablerase/tablerase in the .deb).
func samePath(env machine.Env, a, b string) bool {
	if a == b || env.OS == "windows" && strings.EqualFold(a, b) {
		return true
	}
	ra, err1 := filepath.EvalSymlinks(env.Path(a))
	rb, err2 := filepath.EvalSymlinks(env.Path(b))
	return err1 == nil && err2 == nil && ra == rb
}
