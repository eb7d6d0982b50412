package cdn

import (
	"context"
	"fmt"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/workloads"
)

// files is db.ts's CDN functions on one variant's table, through what the
// request handed them (env.DB or the request's session).
type files struct {
	conn  workloads.Preparer
	table string
}

// upload is the row an upload inserts once its R2 object is stored.
func (f files) upload(ctx context.Context, a Args) (any, error) {
	if a.Version < 1 || a.Key == "" || a.ID == "" {
		return nil, fmt.Errorf("cdn: upload of %+v: want a key, an id and a version from 1", a)
	}
	// Guarded on the folder's previous file: a folder's n-th file is its
	// version n, which must mean files 1..n are there. An upload whose
	// request was lost before it ran leaves a gap, and the next one then
	// fails (and writes nothing) instead of skipping a version.
	r, err := f.conn.Prepare("INSERT INTO "+f.table+
		" (id, key, folder, seq, size, content_type, uploaded_at) SELECT ?, ?, ?, ?, ?, 'image/png', datetime('now')"+
		" WHERE ? = 1 OR EXISTS (SELECT 1 FROM "+f.table+" WHERE folder = ? AND seq = ?)").
		Bind(a.ID, a.Key, a.Folder, a.Version, 1024*a.Version, a.Version, a.Folder, a.Version-1).Run(ctx)
	if err != nil {
		return nil, err
	}
	if r.Meta.Changes == 0 {
		return nil, workloads.NotApplied(fmt.Errorf("cdn: folder %s has no file %d to follow", a.Folder, a.Version-1))
	}
	return struct{}{}, nil
}

// list is listCdnFiles(folder).
func (f files) list(ctx context.Context, folder string) (any, error) {
	r, err := f.conn.Prepare("SELECT * FROM " + f.table + " WHERE folder = ? ORDER BY seq DESC").Bind(folder).All(ctx)
	if err != nil {
		return nil, err
	}
	return listingOf(r.Results, folder)
}

// listAll is listAllCdnFiles(): every file, newest first; the op records
// what it showed of folder.
func (f files) listAll(ctx context.Context, folder string) (any, error) {
	r, err := f.conn.Prepare("SELECT * FROM " + f.table + " ORDER BY uploaded_at DESC, id").All(ctx)
	if err != nil {
		return nil, err
	}
	return listingOf(r.Results, folder)
}

// listingOf is what rows show of folder: its newest file and its count.
// Files are uploaded in order, so the newest position is the folder's
// version when the rows were read.
func listingOf(rows []d1.Row, folder string) (Listing, error) {
	var l Listing
	for _, row := range rows {
		if f, _ := row.String("folder"); f != folder {
			continue
		}
		seq, ok := row.Int("seq")
		if !ok {
			return Listing{}, fmt.Errorf("cdn: row %v has no integer seq", row)
		}
		l.Files++
		if l.Version == nil || seq > *l.Version {
			l.Version = &seq
		}
	}
	return l, nil
}

// get is getCdnFileByKey(key), or getCdnFile(id) when the op names an id
// and no key.
func (f files) get(ctx context.Context, a Args) (any, error) {
	if a.Version < 1 || (a.Key == "") == (a.ID == "") {
		return nil, fmt.Errorf("cdn: get of %+v: want a version from 1 and exactly one of key and id", a)
	}
	col, val := "key", a.Key
	if a.Key == "" {
		col, val = "id", a.ID
	}
	row, err := f.conn.Prepare("SELECT * FROM " + f.table + " WHERE " + col + " = ?").Bind(val).First(ctx)
	if err != nil {
		return nil, err
	}
	if row != nil {
		if seq, ok := row.Int("seq"); !ok || seq != a.Version {
			return nil, fmt.Errorf("cdn: file %s = %s is row %v, want seq %d", col, val, row, a.Version)
		}
	}
	return workloads.PresenceOf(row != nil, a.Version), nil
}

// folders is getCdnFolders(); the op records whether folder was listed.
// A folder exists from its first file on: version 1.
func (f files) folders(ctx context.Context, folder string) (any, error) {
	r, err := f.conn.Prepare("SELECT DISTINCT folder FROM " + f.table + " ORDER BY folder").All(ctx)
	if err != nil {
		return nil, err
	}
	found := false
	for _, row := range r.Results {
		if name, _ := row.String("folder"); name == folder {
			found = true
		}
	}
	return workloads.PresenceOf(found, 1), nil
}
