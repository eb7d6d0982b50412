package reports

import (
	"bytes"
	"fmt"

	"github.com/d1check/d1check/checker"
)

// Porcupine's visualization is a whole HTML document with its data inline,
// proportional to the partition's size. The page embeds at most
// MaxVisualizations of them (over the whole report, failing partitions
// only), each at most MaxVisualizationBytes, so a big run cannot produce a
// huge file.
const (
	MaxVisualizations     = 3
	MaxVisualizationBytes = 1 << 20
)

// vizView is one embedded visualization, or why it is missing.
type vizView struct {
	Title string
	Doc   string // porcupine's HTML, for an iframe's srcdoc
	Err   string
}

// visualize renders one failure. Porcupine panics on a PartitionFailure
// that did not come from checker.Check (it has no model to describe
// operations with), so a panic is turned into a message on the page
// rather than a crashed report.
func visualize(f *checker.PartitionFailure) (v vizView) {
	v.Title = fmt.Sprintf("%s · key %s", f.Model, clip(f.Key, 80))
	if f.Variant != "" {
		v.Title += " · variant " + clip(f.Variant, 40)
	}
	defer func() {
		if r := recover(); r != nil {
			v.Doc, v.Err = "", "porcupine could not render this partition (it carries no model: was the result made by checker.Check?)"
		}
	}()
	var b bytes.Buffer
	if err := f.Visualize(&b); err != nil {
		v.Err = "porcupine: " + err.Error()
		return v
	}
	if b.Len() > MaxVisualizationBytes {
		v.Err = fmt.Sprintf("left out: porcupine's visualization is %d KiB, over the %d KiB cap per partition", b.Len()>>10, MaxVisualizationBytes>>10)
		return v
	}
	v.Doc = b.String()
	return v
}
