package cdn

import (
	"fmt"

	"github.com/d1check/d1check/workloads"
)

// hotPeriod is one generation of hot folders: the uploader uploads a file
// and, in its next request, looks for it, three times.
const hotPeriod = 6

// uploaderPlan is the uploader's op at each slot of a generation, on the
// folder it fills: every upload is followed by the request a person makes
// next (the folder page, the file's page by key, then by id), which is
// where a lagging replica shows the folder without the new file.
var uploaderPlan = [hotPeriod]struct {
	f       string
	version int64
	byID    bool
}{{FUpload, 1, false}, {FList, 0, false}, {FUpload, 2, false}, {FGet, 2, false}, {FUpload, 3, false}, {FGet, 3, true}}

// maxFiles is how many files a folder gets: the uploads of uploaderPlan.
const maxFiles = 3

// browseBack is how many generations back a browser's cold reads reach.
const browseBack = 3

// Generator implements workloads.Workload.
//
// Each generation has min(HotKeys, Peers) fresh folders, each filled by
// one client of the variant (its uploader, rotating) following
// uploaderPlan, so every folder version is written once, in order, and
// the generator knows it. The other clients browse: a share Keys.Hot of
// their ops look at a folder being filled right now, the rest at one of
// the last few generations' folders; every CDN read function gets its
// turn, so a browser who was shown a file is later asked for the same
// folder through another page.
func (Workload) Generator(cfg workloads.GenConfig) workloads.Generator {
	return &generator{Stream: workloads.NewStream(cfg)}
}

type generator struct {
	workloads.Stream
}

func (g *generator) Next() workloads.Op {
	seq := g.Step()
	gen, slot := workloads.Generation(seq, hotPeriod)
	if k, ok := g.Owns(gen); ok {
		folder := g.folder(gen, k)
		switch p := uploaderPlan[slot]; p.f {
		case FUpload:
			return workloads.Op{F: FUpload, Key: folder, Value: File(folder, p.version)}
		case FGet:
			return g.get(folder, p.version, p.byID)
		default:
			return g.read(p.f, folder)
		}
	}
	if gen > 0 && g.Rng.Float64() >= g.Cfg.Keys.Hot {
		gen = max(gen-1-g.Rng.IntN(browseBack), 0)
	}
	folder := g.folder(gen, g.Rng.IntN(g.LiveHotKeys()))
	switch x := g.Rng.Float64(); {
	case x < 0.4:
		return g.read(FList, folder)
	case x < 0.6:
		return g.get(folder, 1+g.Rng.Int64N(maxFiles), g.Rng.IntN(2) == 0)
	case x < 0.8:
		return g.read(FListAll, folder)
	default:
		return g.read(FFolders, folder)
	}
}

func (g *generator) folder(gen, k int) string {
	return fmt.Sprintf("f-%s-%d-g%d", g.Cfg.Variant, k, gen)
}

func (g *generator) read(f, folder string) workloads.Op {
	return workloads.Op{F: f, Key: folder, Value: Args{Folder: folder}}
}

// get asks for the version-th file of folder by key, or by id.
func (g *generator) get(folder string, version int64, byID bool) workloads.Op {
	a := File(folder, version)
	if byID {
		a.Key = ""
	} else {
		a.ID = ""
	}
	return workloads.Op{F: FGet, Key: folder, Value: a}
}
