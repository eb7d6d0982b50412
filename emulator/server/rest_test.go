package server

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	cfd1 "github.com/cloudflare/cloudflare-go/v6/d1"
	"github.com/cloudflare/cloudflare-go/v6/option"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/emulator"
	"github.com/d1check/d1check/targets/rest"
)

const (
	account  = "0123456789abcdef0123456789abcdef"
	database = "e8a5a0a4-8c0f-4c3d-9d1e-2b7a3f0c9d11"
)

// cloudflare is cloudflare-go's own D1 service pointed at the fixture.
func (f *fixture) cloudflare(token string) *cfd1.DatabaseService {
	return cfd1.NewDatabaseService(
		option.WithBaseURL(f.url+"/client/v4/"),
		option.WithAPIToken(token),
		option.WithMaxRetries(0),
	)
}

// single is cloudflare-go's typed single query, params as strings.
func single(sql string, params ...string) cfd1.DatabaseQueryParams {
	var p cfd1.DatabaseQueryParams
	p.AccountID.Value, p.AccountID.Present = account, true
	var b cfd1.DatabaseQueryParamsBodyD1SingleQuery
	b.Sql.Value, b.Sql.Present = sql, true
	if params != nil {
		b.Params.Value, b.Params.Present = params, true
	}
	p.Body = b
	return p
}

func TestCloudflareGoQuery(t *testing.T) {
	f := newFixture(t, emulator.Config{}, Options{})
	cf := f.cloudflare("any-token")
	for _, sql := range []string{
		"CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, score REAL)",
		"INSERT INTO u (email, score) VALUES ('a@x.test', 1.5)",
	} {
		if _, err := cf.Query(ctx, database, single(sql)); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	page, err := cf.Query(ctx, database, single("INSERT INTO u (email, score) VALUES (?, ?) RETURNING id", "b@x.test", "2.5"))
	if err != nil {
		t.Fatal(err)
	}
	r := page.Result[0]
	if !r.Success || len(r.Results) != 1 || r.Meta.Changes != 1 || r.Meta.LastRowID != 2 || !r.Meta.ChangedDB || !r.Meta.ServedByPrimary {
		t.Fatalf("insert result %+v", r)
	}
	if id := r.Results[0].(map[string]any)["id"]; id != float64(2) {
		t.Fatalf("RETURNING id = %#v", id)
	}
	page, err = cf.Query(ctx, database, single("SELECT id, email, score FROM u WHERE email = ?", "b@x.test"))
	if err != nil {
		t.Fatal(err)
	}
	row := page.Result[0].Results[0].(map[string]any)
	if row["id"] != float64(2) || row["email"] != "b@x.test" || row["score"] != 2.5 {
		t.Fatalf("row %v", row)
	}
	if page.Result[0].Meta.ServedByRegion != cfd1.QueryResultMetaServedByRegionEnam {
		t.Fatalf("served by %q, want the primary's region", page.Result[0].Meta.ServedByRegion)
	}

	// A batch: one result per statement.
	var p cfd1.DatabaseQueryParams
	p.AccountID.Value, p.AccountID.Present = account, true
	var mq cfd1.DatabaseQueryParamsBodyMultipleQueries
	var q1, q2 cfd1.DatabaseQueryParamsBodyMultipleQueriesBatch
	q1.Sql.Value, q1.Sql.Present = "SELECT count(*) AS n FROM u", true
	q2.Sql.Value, q2.Sql.Present = "SELECT email FROM u WHERE id = ?", true
	q2.Params.Value, q2.Params.Present = []string{"1"}, true
	mq.Batch.Value, mq.Batch.Present = []cfd1.DatabaseQueryParamsBodyMultipleQueriesBatch{q1, q2}, true
	p.Body = mq
	page, err = cf.Query(ctx, database, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Result) != 2 || page.Result[0].Results[0].(map[string]any)["n"] != float64(2) || page.Result[1].Results[0].(map[string]any)["email"] != "a@x.test" {
		t.Fatalf("batch %+v", page.Result)
	}
}

func TestCloudflareGoErrors(t *testing.T) {
	f := newFixture(t, emulator.Config{}, Options{})
	cf := f.cloudflare("any-token")
	_, err := cf.Query(ctx, database, single("SELECT * FROM nope"))
	var ae *cfd1.Error
	if !errors.As(err, &ae) {
		t.Fatalf("err %v (%T), want cloudflare-go's API error", err, err)
	}
	if ae.StatusCode != http.StatusBadRequest || len(ae.Errors) != 1 || ae.Errors[0].Code != 7500 || ae.Errors[0].Message != "no such table: nope: SQLITE_ERROR" {
		t.Fatalf("API error %d %+v", ae.StatusCode, ae.Errors)
	}
	_, err = cf.Raw(ctx, database, rawSingle("SELEC 1"))
	if !errors.As(err, &ae) || ae.Errors[0].Message != `near "SELEC": syntax error at offset 0: SQLITE_ERROR` {
		t.Fatalf("raw syntax error: %v", err)
	}
}

func rawSingle(sql string) cfd1.DatabaseRawParams {
	var p cfd1.DatabaseRawParams
	p.AccountID.Value, p.AccountID.Present = account, true
	var b cfd1.DatabaseRawParamsBodyD1SingleQuery
	b.Sql.Value, b.Sql.Present = sql, true
	p.Body = b
	return p
}

func TestCloudflareGoRaw(t *testing.T) {
	f := newFixture(t, emulator.Config{}, Options{})
	cf := f.cloudflare("t")
	if _, err := cf.Query(ctx, database, single("CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER)")); err != nil {
		t.Fatal(err)
	}
	if _, err := cf.Query(ctx, database, single("INSERT INTO kv VALUES ('a', 1), ('b', NULL)")); err != nil {
		t.Fatal(err)
	}
	page, err := cf.Raw(ctx, database, rawSingle("SELECT k, v FROM kv ORDER BY k"))
	if err != nil {
		t.Fatal(err)
	}
	res := page.Result[0].Results
	if strings.Join(res.Columns, ",") != "k,v" || len(res.Rows) != 2 {
		t.Fatalf("raw %+v", res)
	}
	if res.Rows[0][0] != "a" || res.Rows[0][1] != float64(1) || res.Rows[1][1] != nil {
		t.Fatalf("raw rows %v", res.Rows)
	}
}

func TestCloudflareGoReadReplication(t *testing.T) {
	f := newFixture(t, emulator.Config{}, Options{})
	cf := f.cloudflare("t")
	for _, mode := range []cfd1.DatabaseUpdateParamsReadReplicationMode{"disabled", "auto"} {
		var p cfd1.DatabaseUpdateParams
		p.AccountID.Value, p.AccountID.Present = account, true
		p.ReadReplication.Present = true
		p.ReadReplication.Value.Mode.Value, p.ReadReplication.Value.Mode.Present = mode, true
		db, err := cf.Update(ctx, database, p)
		if err != nil {
			t.Fatal(err)
		}
		if string(db.ReadReplication.Mode) != string(mode) || db.UUID != database || f.srv.ReadReplication() != string(mode) {
			t.Fatalf("update to %s: %+v, server %s", mode, db, f.srv.ReadReplication())
		}
	}
	// A bad mode is refused, and the recorded one kept.
	_, err := cf.Update(ctx, database, updateMode("sometimes"))
	if err == nil || f.srv.ReadReplication() != ReplicationAuto {
		t.Fatalf("bad mode: %v, server %s", err, f.srv.ReadReplication())
	}
}

func updateMode(m string) cfd1.DatabaseUpdateParams {
	var p cfd1.DatabaseUpdateParams
	p.AccountID.Value, p.AccountID.Present = account, true
	p.ReadReplication.Present = true
	p.ReadReplication.Value.Mode.Value, p.ReadReplication.Value.Mode.Present = cfd1.DatabaseUpdateParamsReadReplicationMode(m), true
	return p
}

// targets/rest against the facade: typed values, errors, replication
// switch, and the token check.
func TestRESTTarget(t *testing.T) {
	f := newFixture(t, emulator.Config{}, Options{Secret: "tok"})
	c, err := rest.New(rest.Options{Token: "tok", AccountID: account, DatabaseID: database, BaseURL: f.url + "/client/v4"})
	if err != nil {
		t.Fatal(err)
	}
	if mode, err := c.Ping(ctx); err != nil || mode != ReplicationAuto {
		t.Fatalf("Ping: %q, %v", mode, err)
	}
	db := c.Database()
	run(t, db, "CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE, b BLOB)")
	r := run(t, db, "INSERT INTO u (email, b) VALUES (?, ?) RETURNING id, b", "a@x.test", []byte{1, 255})
	if id, _ := r.Results[0].Int("id"); id != 1 || string(r.Results[0]["b"].([]byte)) != "\x01\xff" {
		t.Fatalf("RETURNING %#v", r.Results)
	}
	// A session over REST is served by the primary and gets no bookmark.
	s := db.WithSession(d1.FirstUnconstrained)
	if r := run(t, s, "SELECT email FROM u"); len(r.Results) != 1 || !r.Meta.ServedByPrimary {
		t.Fatalf("session read %+v", r)
	}
	if b, ok := s.Bookmark(); ok {
		t.Fatalf("REST session got bookmark %q", b)
	}
	_, err = db.Prepare("INSERT INTO u (email) VALUES ('a@x.test')").Run(ctx)
	var de *d1.Error
	if !errors.As(err, &de) || de.Message != "D1_ERROR: UNIQUE constraint failed: u.email: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)" || !d1.IsConstraint(err) {
		t.Fatalf("UNIQUE over REST: %v (%T)", err, err)
	}
	// Batches are one transaction.
	_, err = db.Batch(ctx, []*d1.Statement{db.Prepare("INSERT INTO u (email) VALUES ('b@x.test')"), db.Prepare("INSERT INTO u (email) VALUES ('a@x.test')")})
	if !d1.IsConstraint(err) {
		t.Fatalf("batch: %v", err)
	}
	if r := run(t, db, "SELECT count(*) AS n FROM u"); r.Results[0]["n"] != int64(1) {
		t.Fatalf("failed batch left rows: %v", r.Results)
	}
	if err := c.SetReadReplication(ctx, "disabled"); err != nil || f.srv.ReadReplication() != ReplicationDisabled {
		t.Fatalf("SetReadReplication: %v", err)
	}
	if err := c.SetReadReplication(ctx, "on"); err == nil || !strings.Contains(err.Error(), `"auto"`) {
		t.Fatalf("bad mode: %v", err)
	}

	// A refused (expired, wrong) token: Ping says what to check; a query
	// fails as a transport error, never as a SQL verdict.
	bad, err := rest.New(rest.Options{Token: "expired", AccountID: account, DatabaseID: database, BaseURL: f.url + "/client/v4/"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.Ping(ctx); err == nil || !strings.Contains(err.Error(), rest.EnvToken) || !strings.Contains(err.Error(), "10000 Authentication error") {
		t.Fatalf("bad token Ping: %v", err)
	}
	_, err = bad.Database().Prepare("SELECT 1").Run(ctx)
	var te *d1.TransportError
	if !errors.As(err, &te) {
		t.Fatalf("bad token query: %v (%T)", err, err)
	}
}

func TestRESTTargetOptions(t *testing.T) {
	t.Setenv(rest.EnvToken, "")
	t.Setenv(rest.EnvAccountID, "")
	t.Setenv(rest.EnvDatabaseID, "")
	_, err := rest.New(rest.Options{})
	if err == nil || !strings.Contains(err.Error(), rest.EnvToken) || !strings.Contains(err.Error(), rest.EnvDatabaseID) {
		t.Fatalf("empty options: %v", err)
	}
	t.Setenv(rest.EnvToken, "x")
	t.Setenv(rest.EnvAccountID, "a")
	t.Setenv(rest.EnvDatabaseID, "d")
	if _, err := rest.New(rest.Options{}); err != nil {
		t.Fatalf("options from the environment: %v", err)
	}
}
