package checker

import (
	"fmt"
	"slices"
	"strings"

	"github.com/d1check/d1check/checker/model"
)

// The grow-only set's ops: add_element {element} -> {}, read_set {} ->
// {elements}, and add_read {element} -> {elements} for a request that adds
// and answers with the whole list (a POST that returns the orders after
// its insert).

func decodeElementIn(v []byte, in *model.Input) error {
	var x struct {
		Element *string `json:"element"`
	}
	if err := unmarshal(v, &x); err != nil {
		return err
	}
	if x.Element == nil {
		return missing("element")
	}
	in.Value = *x.Element
	return nil
}

func decodeElementsOut(v []byte, out *model.Output) error {
	var x struct {
		Elements *[]string `json:"elements"`
	}
	if err := unmarshal(v, &x); err != nil {
		return err
	}
	if x.Elements == nil {
		return missing("elements")
	}
	out.Elements = model.SetElements(model.SetState(*x.Elements))
	return nil
}

// shows reports whether a set read showed element e.
func shows(o *Op, e string) bool {
	_, found := slices.BinarySearch(o.Out.Elements, e)
	return found
}

// classifySet names a set partition's failure: a read that misses an
// element whose add had certainly completed before the read was sent.
func classifySet(p *partition, ci *CommitIndex) []Anomaly {
	for _, r := range p.oks(model.SetRead, model.SetAddRead) {
		for _, a := range p.oks(model.SetAdd, model.SetAddRead) {
			if a == r || !before(a, r) || shows(r, a.In.Value) {
				continue
			}
			return []Anomaly{p.anomaly(StaleRead, fmt.Sprintf(
				"%s returned %s for %s at %s, without %s, although %s had added it at %s%s",
				r.name(), showSet(r.Out.Elements), p.key, ms(r.Return), a.In.Value, a.name(), ms(a.Return), ci.served(r)), a, r)}
		}
	}
	return nil
}

func showSet(es []string) string { return "{" + strings.Join(es, ", ") + "}" }
