package doctor

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/tablerase/tablerase/host/internal/contract"
)

// LogFile is the host's log, in the state folder (shared contract).
const LogFile = "tablerase.log"

// maxTail bounds how much of the log doctor reads: its end only.
const maxTail = 1 << 20

// Cleanup is one session.end event of the log. The log holds no personal
// data, and neither does this.
type Cleanup struct {
	Time       string `json:"time,omitempty"`
	Session    string `json:"session,omitempty"`
	Status     string `json:"status"`
	DurationMS int64  `json:"duration_ms"`
}

// lastCleanups returns the last n session.end events of the log, oldest first.
func lastCleanups(path string, n int) ([]Cleanup, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > maxTail {
		if _, err := f.Seek(fi.Size()-maxTail, io.SeekStart); err != nil {
			return nil, err
		}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxTail))
	if err != nil {
		return nil, err
	}
	var out []Cleanup
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), maxTail)
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.Contains(line, []byte(`"session.end"`)) {
			continue
		}
		var e struct {
			Event      string `json:"event"`
			Time       string `json:"time"`
			Session    string `json:"session"`
			Status     string `json:"status"`
			DurationMS int64  `json:"duration_ms"`
		}
		if json.Unmarshal(line, &e) != nil || e.Event != "session.end" {
			continue // a cut first line or another event
		}
		out = append(out, Cleanup{Time: e.Time, Session: e.Session, Status: e.Status, DurationMS: e.DurationMS})
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out, nil
}

func cleanupCheck(path string, n int) ([]Cleanup, Check) {
	c := Check{ID: "cleanups", Status: Info}
	list, err := lastCleanups(path, n)
	if os.IsNotExist(err) || err == nil && len(list) == 0 {
		c.FR, c.EN = "Aucune fin d'accompagnement enregistrée pour cet utilisateur", "No end of session recorded for this user yet"
		return nil, c
	}
	if err != nil {
		c.Status = Warn
		c.FR, c.EN = "Journal illisible", "Log unreadable"
		return nil, c
	}
	count := map[string]int{}
	for _, e := range list {
		count[e.Status]++
	}
	last := list[len(list)-1]
	c.Status = OK
	c.FR = fmt.Sprintf("%d dernières fins d'accompagnement : %d propres, %d partielles, %d échouées ; dernière : %s %s",
		len(list), count[contract.StatusClean], count[contract.StatusPartial], count[contract.StatusFailed], frStatus[last.Status], last.Time)
	c.EN = fmt.Sprintf("Last %d ends of session: %d clean, %d partial, %d failed; last: %s %s",
		len(list), count[contract.StatusClean], count[contract.StatusPartial], count[contract.StatusFailed], last.Status, last.Time)
	if last.Status != contract.StatusClean {
		c.Status = Warn
		c.FixFR = "Relancer « Fin d'accompagnement » dans le navigateur ; le reçu dit quel élément n'a pas pu être effacé."
		c.FixEN = `Click "Fin d'accompagnement" in the browser again; the receipt says which item could not be erased.`
	}
	return list, c
}

var frStatus = map[string]string{contract.StatusClean: "propre", contract.StatusPartial: "partielle", contract.StatusFailed: "échouée"}
