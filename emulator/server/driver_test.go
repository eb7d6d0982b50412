package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/driverproto"
	"github.com/d1check/d1check/emulator"
)

func TestSessionBookmarksFlowOverHTTP(t *testing.T) {
	f := newFixture(t, emulator.Config{}, Options{})
	db := f.db(t, "WEUR")
	s := db.WithSession(d1.FirstPrimary)
	run(t, s, "CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE)")
	b1 := bookmark(t, s)
	r := run(t, s, "INSERT INTO u (email) VALUES (?)", "a@x.test")
	b2 := bookmark(t, s)
	if d1.CompareBookmarks(b1, b2) >= 0 {
		t.Fatalf("bookmark went from %s to %s after a write", b1, b2)
	}
	if !r.Meta.ServedByPrimary || r.Meta.Changes != 1 || r.Meta.LastRowID != 1 || !r.Meta.ChangedDB {
		t.Fatalf("write meta %+v", r.Meta)
	}
	// The session's bookmark makes the WEUR replica catch up before it reads.
	row, err := s.Prepare("SELECT id, email FROM u WHERE email = ?").Bind("a@x.test").First(ctx)
	if err != nil || row == nil {
		t.Fatalf("read your write: %v, %v", row, err)
	}
	if id, _ := row.Int("id"); id != 1 {
		t.Fatalf("row %v", row)
	}
	if d1.CompareBookmarks(bookmark(t, s), b2) < 0 {
		t.Fatal("bookmark went backwards")
	}
	// What GET /status reports is the primary's bookmark.
	st := f.status(t)
	if st.Bookmark != st.Primary.Bookmark || d1.CompareBookmarks(st.Bookmark, b2) < 0 || len(st.Replicas) != len(d1.Regions) {
		t.Fatalf("status %+v", st)
	}
}

func TestRegionHeaderRoutesToThatReplica(t *testing.T) {
	f := newFixture(t, emulator.Config{BookmarkWait: 50 * time.Millisecond}, Options{})
	run(t, f.db(t, ""), "CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER)")
	f.waitReplicated(t)
	if err := f.emu.PauseReplication("WEUR"); err != nil {
		t.Fatal(err)
	}
	w := f.db(t, "ENAM").WithSession(d1.FirstPrimary)
	run(t, w, "INSERT INTO kv VALUES ('a', 1)")
	written := bookmark(t, w)
	f.waitReplicated(t) // every replica but the paused one

	// An unconstrained read from WEUR is served by the paused replica: stale.
	r := run(t, f.db(t, "WEUR").WithSession(""), "SELECT v FROM kv WHERE k = 'a'")
	if len(r.Results) != 0 || r.Meta.ServedByPrimary || r.Meta.ServedByRegion != "WEUR" {
		t.Fatalf("WEUR read: rows %v, meta %+v; want the paused replica's stale answer", r.Results, r.Meta)
	}
	// From APAC the same read sees the write.
	r = run(t, f.db(t, "APAC").WithSession(""), "SELECT v FROM kv WHERE k = 'a'")
	if len(r.Results) != 1 || r.Meta.ServedByRegion != "APAC" {
		t.Fatalf("APAC read: rows %v, meta %+v", r.Results, r.Meta)
	}
	// /status shows WEUR behind the primary.
	st := f.status(t)
	for _, rs := range st.Replicas {
		if rs.Region == "WEUR" && (rs.Position >= st.Primary.Position || !rs.Paused) {
			t.Fatalf("WEUR status %+v, primary %+v", rs, st.Primary)
		}
	}
	// A bookmarked read from WEUR waits, then fails with D1's transient
	// error: indeterminate, carried as a *d1.Error of kind transient.
	_, err := f.db(t, "WEUR").WithSession(written).Prepare("SELECT 1").Run(ctx)
	var de *d1.Error
	if !errors.As(err, &de) || de.Kind != d1.KindTransient || !d1.Indeterminate(err) {
		t.Fatalf("bookmarked read on a paused replica: %v (%T), want a transient D1 error", err, err)
	}
	// Turning replication off sends sessions to the primary.
	f.srv.mu.Lock()
	f.srv.replication = ReplicationDisabled
	f.srv.mu.Unlock()
	r = run(t, f.db(t, "WEUR").WithSession(""), "SELECT v FROM kv WHERE k = 'a'")
	if len(r.Results) != 1 || !r.Meta.ServedByPrimary {
		t.Fatalf("with replication disabled: rows %v, meta %+v", r.Results, r.Meta)
	}
}

// Errors cross the wire verbatim: the HTTP client gets the *d1.Error the
// embedded emulator returns, and its message is D1's.
func TestErrorsRoundTripExactly(t *testing.T) {
	f := newFixture(t, emulator.Config{}, Options{})
	run(t, f.db(t, ""), "CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE)")
	run(t, f.db(t, ""), "INSERT INTO u (email) VALUES ('a@x.test')")
	cases := []struct{ sql, want string }{
		{"INSERT INTO u (email) VALUES ('a@x.test')", "D1_ERROR: UNIQUE constraint failed: u.email: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)"},
		{"SELEC 1", `D1_ERROR: near "SELEC": syntax error at offset 0: SQLITE_ERROR`},
		{"SELECT * FROM nope", "D1_ERROR: no such table: nope: SQLITE_ERROR"},
	}
	for _, c := range cases {
		_, embErr := f.embedded(t, "").WithSession(d1.FirstPrimary).Prepare(c.sql).Run(ctx)
		_, httpErr := f.db(t, "OC").WithSession(d1.FirstPrimary).Prepare(c.sql).Run(ctx)
		var emb, got *d1.Error
		if !errors.As(embErr, &emb) || !errors.As(httpErr, &got) {
			t.Fatalf("%s: embedded %v, http %v (%T)", c.sql, embErr, httpErr, httpErr)
		}
		if *got != *emb || got.Message != c.want {
			t.Errorf("%s:\n http     %+v\n embedded %+v\n want     %s", c.sql, *got, *emb, c.want)
		}
		if d1.Indeterminate(httpErr) {
			t.Errorf("%s: a SQL error is a certain failure", c.sql)
		}
	}
	if !d1.IsConstraint(func() error {
		_, err := f.db(t, "").Prepare(cases[0].sql).Run(ctx)
		return err
	}()) {
		t.Error("a UNIQUE violation over HTTP is not IsConstraint")
	}
}

// Rows from the server compare equal to rows from the embedded emulator,
// every SQLite type included.
func TestValuesRoundTrip(t *testing.T) {
	f := newFixture(t, emulator.Config{}, Options{})
	q := "SELECT ? AS i, ? AS big, ? AS f, ? AS whole, ? AS s, ? AS b, ? AS n, x'0102ff' AS lit, 2.0 AS two, ? AS t"
	args := []any{int64(7), int64(1) << 62, 2.5, 2.0, "héllo \"q\"", []byte{0, 1, 255}, nil, true}
	want := run(t, f.embedded(t, ""), q, args...).Results
	got := run(t, f.db(t, "EEUR"), q, args...).Results
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("over HTTP %#v\nembedded  %#v", got, want)
	}
	if b, ok := got[0]["lit"].([]byte); !ok || string(b) != "\x01\x02\xff" {
		t.Fatalf("BLOB %#v", got[0]["lit"])
	}
	if v, ok := got[0]["two"].(float64); !ok || v != 2 {
		t.Fatalf("REAL 2.0 came back as %#v", got[0]["two"])
	}
}

func TestPlainAndBatch(t *testing.T) {
	f := newFixture(t, emulator.Config{}, Options{})
	db := f.db(t, "WNAM")
	run(t, db, "CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER)")
	// A batch is one transaction: the second statement's conflict rolls
	// back the first.
	_, err := db.Batch(ctx, []*d1.Statement{
		db.Prepare("INSERT INTO kv VALUES ('a', 1)"),
		db.Prepare("INSERT INTO kv VALUES ('b', 1)"),
		db.Prepare("INSERT INTO kv VALUES ('a', 2)"),
	})
	if !d1.IsConstraint(err) {
		t.Fatalf("batch: %v", err)
	}
	if r := run(t, db, "SELECT count(*) AS n FROM kv"); r.Results[0]["n"] != int64(0) {
		t.Fatalf("a failed batch left rows: %v", r.Results)
	}
	s := db.WithSession(d1.FirstPrimary)
	rs, err := s.Batch(ctx, []*d1.Statement{
		s.Prepare("INSERT INTO kv VALUES ('a', 1)"),
		s.Prepare("SELECT v FROM kv WHERE k = ?").Bind("a"),
	})
	if err != nil || len(rs) != 2 || len(rs[1].Results) != 1 {
		t.Fatalf("batch: %v, %+v", err, rs)
	}
	bookmark(t, s)
}

func TestPlainRequestGetsNoBookmark(t *testing.T) {
	f := newFixture(t, emulator.Config{}, Options{})
	body := `{"statements":[{"sql":"SELECT 1 AS one","params":[]}],"batch":false,"mode":"plain"}`
	res, raw := post(t, f.url+"/query", body, map[string]string{driverproto.HeaderBookmark: d1.FirstPrimary})
	if res.StatusCode != 200 || res.Header.Get(driverproto.HeaderBookmark) != "" {
		t.Fatalf("plain: %d %s, header %q", res.StatusCode, raw, res.Header.Get(driverproto.HeaderBookmark))
	}
	var resp driverproto.Response
	if err := json.Unmarshal(raw, &resp); err != nil || resp.Bookmark != nil {
		t.Fatalf("plain response %s: %v", raw, err)
	}
	// A session request without the header is first-unconstrained and
	// answers the bookmark in body and header.
	res, raw = post(t, f.url+"/query", `{"statements":[{"sql":"SELECT 1","params":[]}],"batch":false}`, nil)
	if err := json.Unmarshal(raw, &resp); err != nil || resp.Bookmark == nil || *resp.Bookmark != res.Header.Get(driverproto.HeaderBookmark) {
		t.Fatalf("session response %s, header %q: %v", raw, res.Header.Get(driverproto.HeaderBookmark), err)
	}
}

func TestBadRequestsAreClear(t *testing.T) {
	f := newFixture(t, emulator.Config{}, Options{})
	cases := []struct{ body, region, want string }{
		{`{"statements":[],"batch":false}`, "", "no statements"},
		{`{"statements":[{"sql":"SELECT 1","params":[{"a":1}]}]}`, "", "not a SQL value"},
		{`{"statements":[{"sql":"SELECT 1","params":[]}],"mode":"weird"}`, "", `mode "weird"`},
		{`{"statements":[{"sql":"SELECT 1","params":[]}],"extra":1}`, "", "unknown field"},
		{`not json`, "", "bad request body"},
		{`{"statements":[{"sql":"SELECT 1","params":[]}]}`, "MARS", `"MARS" is not a D1 region`},
	}
	for _, c := range cases {
		res, raw := post(t, f.url+"/query", c.body, map[string]string{driverproto.HeaderRegion: c.region})
		var eb driverproto.ErrorBody
		if res.StatusCode != 400 || json.Unmarshal(raw, &eb) != nil || !strings.Contains(eb.Error, c.want) {
			t.Errorf("%s: %d %s, want 400 mentioning %q", c.body, res.StatusCode, raw, c.want)
		}
		if driverproto.IsD1Message(eb.Error) {
			t.Errorf("%s: a harness error %q reads as D1's", c.body, eb.Error)
		}
	}
}

func TestSecret(t *testing.T) {
	f := newFixture(t, emulator.Config{}, Options{Secret: "s3cret"})
	if _, err := f.client(t, "", "s3cret").Ping(ctx); err != nil {
		t.Fatalf("right secret: %v", err)
	}
	for _, secret := range []string{"", "wrong"} {
		c := f.client(t, "", secret)
		if _, err := c.Ping(ctx); err == nil || !strings.Contains(err.Error(), "secret") {
			t.Errorf("secret %q: Ping error %v, want one about the secret", secret, err)
		}
		_, err := c.Database().Prepare("SELECT 1").Run(ctx)
		var te *d1.TransportError
		if !errors.As(err, &te) || !strings.Contains(err.Error(), "401") {
			t.Errorf("secret %q: query error %v (%T)", secret, err, err)
		}
	}
}

func (f *fixture) status(t testing.TB) Status {
	t.Helper()
	res, err := http.Get(f.url + "/status")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var st Status
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil || st.Driver != driverproto.Driver || st.Runtime != "emulator" {
		t.Fatalf("status: %v %+v", err, st)
	}
	return st
}

func post(t testing.TB, url, body string, headers map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	for k, v := range headers {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res, raw
}
