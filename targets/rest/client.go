package rest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	cfd1 "github.com/cloudflare/cloudflare-go/v6/d1"
	"github.com/cloudflare/cloudflare-go/v6/option"

	"github.com/d1check/d1check/d1"
)

// Environment variables read when the matching Option is empty.
const (
	EnvToken      = "CLOUDFLARE_API_TOKEN"
	EnvAccountID  = "CLOUDFLARE_ACCOUNT_ID"
	EnvDatabaseID = "D1CHECK_DATABASE_ID"
	EnvBaseURL    = "CLOUDFLARE_BASE_URL" // as cloudflare-go's own NewClient reads it
)

// DefaultTimeout bounds one request when Options.Timeout is zero.
const DefaultTimeout = 35 * time.Second

// Options configure a Client. Empty fields are read from the environment.
type Options struct {
	Token      string // CLOUDFLARE_API_TOKEN
	AccountID  string // CLOUDFLARE_ACCOUNT_ID
	DatabaseID string // D1CHECK_DATABASE_ID
	// BaseURL is the API's base, ending in /client/v4/; empty: the
	// CLOUDFLARE_BASE_URL variable, else Cloudflare's API. For
	// `d1check emulate --listen 127.0.0.1:8787`:
	// http://127.0.0.1:8787/client/v4/.
	BaseURL    string
	Timeout    time.Duration
	HTTPClient *http.Client
}

// Client is a d1.Transport on one D1 database through the REST API. It is
// safe for concurrent use.
type Client struct {
	svc     *cfd1.DatabaseService
	account string
	dbID    string
	timeout time.Duration
}

var _ d1.Transport = (*Client)(nil)

// New checks opts and returns a client. It sends nothing: call Ping to
// check the token, account and database before a run.
func New(opts Options) (*Client, error) {
	env := func(v *string, name string) {
		if *v == "" {
			*v = strings.TrimSpace(os.Getenv(name))
		}
	}
	env(&opts.Token, EnvToken)
	env(&opts.AccountID, EnvAccountID)
	env(&opts.DatabaseID, EnvDatabaseID)
	env(&opts.BaseURL, EnvBaseURL)
	var missing []string
	if opts.Token == "" {
		missing = append(missing, "an API token ("+EnvToken+")")
	}
	if opts.AccountID == "" {
		missing = append(missing, "an account id ("+EnvAccountID+")")
	}
	if opts.DatabaseID == "" {
		missing = append(missing, "a database id ("+EnvDatabaseID+")")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("rest: missing %s", strings.Join(missing, ", "))
	}
	if opts.Timeout < 0 {
		return nil, fmt.Errorf("rest: negative timeout %v", opts.Timeout)
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	ro := []option.RequestOption{
		option.WithEnvironmentProduction(),
		option.WithAPIToken(opts.Token),
		option.WithMaxRetries(0),
		option.WithRequestTimeout(opts.Timeout),
	}
	if opts.BaseURL != "" {
		if !strings.HasSuffix(opts.BaseURL, "/") {
			opts.BaseURL += "/"
		}
		ro = append(ro, option.WithBaseURL(opts.BaseURL))
	}
	if opts.HTTPClient != nil {
		ro = append(ro, option.WithHTTPClient(opts.HTTPClient))
	}
	return &Client{svc: cfd1.NewDatabaseService(ro...), account: opts.AccountID, dbID: opts.DatabaseID, timeout: opts.Timeout}, nil
}

// Database is env.DB over the REST API (primary only, no bookmarks).
func (c *Client) Database() *d1.Database { return d1.New(c) }

// Ping reads the database's record: it fails, saying what to check, when
// the token is refused or expired, or the account or database is wrong.
// It returns the database's read replication mode.
func (c *Client) Ping(ctx context.Context) (replication string, err error) {
	var p cfd1.DatabaseGetParams
	p.AccountID.Value, p.AccountID.Present = c.account, true
	db, err := c.svc.Get(ctx, c.dbID, p)
	if err != nil {
		return "", fmt.Errorf("rest: D1 database %s in account %s: %w", c.dbID, c.account, c.explain(err))
	}
	return string(db.ReadReplication.Mode), nil
}

// SetReadReplication turns read replication on ("auto") or off
// ("disabled"): PUT the database with {"read_replication":{"mode":…}}.
func (c *Client) SetReadReplication(ctx context.Context, mode string) error {
	m := cfd1.DatabaseUpdateParamsReadReplicationMode(mode)
	if !m.IsKnown() {
		return fmt.Errorf("rest: read replication mode %q: want %q or %q", mode,
			cfd1.DatabaseUpdateParamsReadReplicationModeAuto, cfd1.DatabaseUpdateParamsReadReplicationModeDisabled)
	}
	var p cfd1.DatabaseUpdateParams
	p.AccountID.Value, p.AccountID.Present = c.account, true
	p.ReadReplication.Present = true
	p.ReadReplication.Value.Mode.Value, p.ReadReplication.Value.Mode.Present = m, true
	db, err := c.svc.Update(ctx, c.dbID, p)
	if err != nil {
		return fmt.Errorf("rest: setting read replication to %s: %w", mode, c.explain(err))
	}
	if got := string(db.ReadReplication.Mode); got != mode {
		return fmt.Errorf("rest: set read replication to %s, the API answered %q", mode, got)
	}
	return nil
}

// explain says what to check for an API error that is not a SQL error.
func (c *Client) explain(err error) error {
	var ae *cfd1.Error
	if !errors.As(err, &ae) {
		return fmt.Errorf("%w (check the network and the API base URL)", err)
	}
	msg := apiMessages(ae)
	switch ae.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Errorf("the API refused the token (HTTP %d: %s): check that %s is valid, not expired, and allowed to edit D1 in this account", ae.StatusCode, msg, EnvToken)
	case http.StatusNotFound:
		return fmt.Errorf("not found (HTTP 404: %s): check the account id (%s) and database id (%s)", msg, EnvAccountID, EnvDatabaseID)
	}
	return fmt.Errorf("HTTP %d: %s", ae.StatusCode, msg)
}

func apiMessages(ae *cfd1.Error) string {
	var ms []string
	for _, e := range ae.Errors {
		ms = append(ms, fmt.Sprintf("%d %s", e.Code, e.Message))
	}
	if len(ms) == 0 {
		return http.StatusText(ae.StatusCode)
	}
	return strings.Join(ms, "; ")
}
