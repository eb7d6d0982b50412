package worker

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/driverproto"
)

// DefaultTimeout bounds one request when Options.Timeout is zero: D1's own
// limit per query is 30 s, and a bookmarked read may wait for a replica
// first.
const DefaultTimeout = 35 * time.Second

// Options configure a Client.
type Options struct {
	// Region is where the client is (x-d1check-region): the emulator serves
	// its session reads from that region's replica; a Worker ignores it.
	// "" sends no header (the emulator then uses its primary's region).
	Region string
	// Secret is sent as x-d1check-secret, for a driver that requires one.
	Secret string
	// Timeout bounds each request, connection included; 0 means
	// DefaultTimeout. A request that runs out of time is a
	// *d1.TransportError: its outcome is unknown.
	Timeout time.Duration
	// HTTPClient sends the requests; nil uses a client of this package's
	// own (connections are reused across every Client made from it).
	HTTPClient *http.Client
}

// Client is a d1.Transport over the driver protocol. It is safe for
// concurrent use.
type Client struct {
	base  *url.URL
	query string // base + /query, precomputed: every request uses it
	opts  Options
	hc    *http.Client
}

var _ d1.Transport = (*Client)(nil)

// defaultHTTP is shared so that clients of every region reuse one pool of
// connections. Its per-host limit matches the concurrency d1check drives.
var defaultHTTP = &http.Client{Transport: &http.Transport{
	Proxy:               http.ProxyFromEnvironment,
	MaxIdleConns:        256,
	MaxIdleConnsPerHost: 256,
	IdleConnTimeout:     90 * time.Second,
}}

// New returns a client of the driver at baseURL (for example
// http://127.0.0.1:8787 or https://d1check-driver.example.workers.dev). It
// only checks its arguments; call Ping to check the driver.
func New(baseURL string, opts Options) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil {
		return nil, fmt.Errorf("worker: driver URL %q: %w (want http://host:port or https://host)", baseURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("worker: driver URL %q: want http://host:port or https://host", baseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("worker: driver URL %q: want no query or fragment", baseURL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	if opts.Region != "" && !d1.ValidRegion(opts.Region) {
		return nil, fmt.Errorf("worker: region %q: want one of %v", opts.Region, d1.Regions)
	}
	if opts.Timeout < 0 {
		return nil, fmt.Errorf("worker: negative timeout %v", opts.Timeout)
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = defaultHTTP
	}
	return &Client{base: u, query: u.String() + driverproto.PathQuery, opts: opts, hc: hc}, nil
}

// WithRegion returns a client of the same driver for a client located in
// region, sharing c's connections.
func (c *Client) WithRegion(region string) (*Client, error) {
	o := c.opts
	o.Region, o.HTTPClient = region, c.hc
	return New(c.base.String(), o)
}

// Database is env.DB over this client.
func (c *Client) Database() *d1.Database { return d1.New(c) }

// URL is the driver's base URL.
func (c *Client) URL() string { return c.base.String() }

// Target returns a function giving each region's env.DB on the driver at
// baseURL — the shape of runner.Target — all sharing one pool of
// connections. Bad options fail at once, not at the first region.
func Target(baseURL string, opts Options) (func(region string) (*d1.Database, error), error) {
	c, err := New(baseURL, opts)
	if err != nil {
		return nil, err
	}
	return func(region string) (*d1.Database, error) {
		rc, err := c.WithRegion(region)
		if err != nil {
			return nil, err
		}
		return rc.Database(), nil
	}, nil
}

// newRequest builds a request to path with the client's headers.
func (c *Client) newRequest(ctx context.Context, method, target string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, bytesReader(body))
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("content-type", "application/json")
	}
	req.Header.Set("accept", "application/json")
	if c.opts.Region != "" {
		req.Header.Set(driverproto.HeaderRegion, c.opts.Region)
	}
	if c.opts.Secret != "" {
		req.Header.Set(driverproto.HeaderSecret, c.opts.Secret)
	}
	return req, nil
}
