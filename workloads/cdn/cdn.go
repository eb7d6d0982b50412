// Package cdn is phase 3 of the migration guide: CDN file operations
// (landing/src/lib/server/db.ts). An admin uploads files into a folder
// (the R2 object, then its row) and the CDN pages list and fetch them:
// listCdnFiles(folder), listAllCdnFiles(), getCdnFolders(),
// getCdnFileByKey(key) and getCdnFile(id).
//
// A folder is a versioned entity: its n-th file is its version n, written
// once, in order, by the folder's uploader, so every read says which
// version of the folder it saw. The uploader must see its file in its next
// request, and a browser's listing must never lose a file the same user
// was already shown; both hold only when the client carries the bookmark
// between requests. Without it a request served by a lagging replica shows
// the folder as it was: the file "did not upload".
package cdn

import (
	"context"
	"fmt"

	"github.com/d1check/d1check/opspec"
	"github.com/d1check/d1check/workloads"
)

// The ops of this workload (opspec declares them and their models). Every
// op's key is a folder: reads that span folders (the whole listing, the
// folder list) record what they saw of the one folder the user was looking
// for, so the checker's per-key partitions stay exact.
const (
	FUpload  = opspec.FUploadFile   // {folder, key, id, version} -> {}
	FList    = opspec.FListFiles    // listCdnFiles(folder): {folder} -> Listing
	FListAll = opspec.FListAllFiles // listAllCdnFiles(): {folder} -> Listing of that folder
	FGet     = opspec.FGetFile      // getCdnFileByKey / getCdnFile: {folder, key | id, version} -> Presence
	FFolders = opspec.FListFolders  // getCdnFolders(): {folder} -> Presence of that folder (version 1)
)

// Args is every op's invoke value; the key is Folder.
type Args struct {
	Folder string `json:"folder"`
	// Key and ID name one file: its R2 object key and its row id. A get
	// sends one of them (by key or by id), an upload both.
	Key string `json:"key,omitempty"`
	ID  string `json:"id,omitempty"`
	// Version is the file's position in its folder: the folder version
	// its upload makes, or a get's file.
	Version int64 `json:"version,omitempty"`
	// Final marks the final read: on the primary, after the traffic.
	Final bool `json:"final,omitempty"`
}

// Listing is what a listing showed of a folder: the newest file's
// position (null when the folder has none) and how many files it had.
type Listing struct {
	Version *int64 `json:"version"`
	Files   int    `json:"files"`
}

// File names the version-th file of folder: its key and its id, both
// fixed by the generator so reads can ask for a file by either.
func File(folder string, version int64) Args {
	return Args{
		Folder:  folder,
		Key:     fmt.Sprintf("%s/file-%d.png", folder, version),
		ID:      fmt.Sprintf("id-%s-%d", folder, version),
		Version: version,
	}
}

// Workload is the cdn workload.
type Workload struct{}

func init() { workloads.Register(Workload{}) }

// Name implements workloads.Workload.
func (Workload) Name() string { return opspec.CDN.Name }

// Variants implements workloads.Workload: like phase 2, the functions take
// "D1Database | D1Session", so the variants are env.DB (plain) and the
// request's session (unconstrained); the bookmark policy decides what the
// session sees.
func (Workload) Variants() []string { return []string{workloads.Plain, workloads.Unconstrained} }

// Schema gives each variant its own files table.
func (Workload) Schema(variants []string) []string {
	var ddl []string
	for _, v := range variants {
		t := workloads.Table("cdn_files", v)
		ddl = append(ddl,
			"CREATE TABLE IF NOT EXISTS "+t+" (id TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE, folder TEXT NOT NULL,"+
				" seq INTEGER NOT NULL, size INTEGER NOT NULL, content_type TEXT NOT NULL, uploaded_at TEXT NOT NULL)",
			"CREATE INDEX IF NOT EXISTS "+t+"_folder ON "+t+" (folder, seq)")
	}
	return ddl
}

// FinalRead maps every op on a folder to list_files on the primary.
func (Workload) FinalRead(op workloads.Op) (workloads.Op, bool) {
	a, ok := op.Value.(Args)
	if !ok || a.Final {
		return workloads.Op{}, false
	}
	return workloads.Op{F: FList, Key: a.Folder, Value: Args{Folder: a.Folder, Final: true}}, true
}

// Do implements workloads.Workload.
func (Workload) Do(ctx context.Context, env *workloads.Env, variant string, op workloads.Op) (any, error) {
	a, ok := op.Value.(Args)
	if !ok {
		return nil, fmt.Errorf("cdn: op %s: value is %T, want cdn.Args", op.F, op.Value)
	}
	if a.Folder == "" || a.Folder != op.Key {
		return nil, fmt.Errorf("cdn: op %s: key %q is not the folder %q", op.F, op.Key, a.Folder)
	}
	conn, err := env.RequestConn(variant, a.Final)
	if err != nil {
		return nil, fmt.Errorf("cdn: %w", err)
	}
	f := files{conn: conn, table: workloads.Table("cdn_files", variant)}
	switch op.F {
	case FUpload:
		return f.upload(ctx, a)
	case FList:
		return f.list(ctx, a.Folder)
	case FListAll:
		return f.listAll(ctx, a.Folder)
	case FGet:
		return f.get(ctx, a)
	case FFolders:
		return f.folders(ctx, a.Folder)
	}
	return nil, fmt.Errorf("cdn: unknown op %q", op.F)
}
