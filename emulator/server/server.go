package server

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/driverproto"
	"github.com/d1check/d1check/emulator"
)

// Options configure a Server.
type Options struct {
	// Secret, when set, is required on every request: as x-d1check-secret
	// on the driver protocol, or as the REST API's bearer token
	// (Authorization: Bearer SECRET). A wrong or missing one is 401.
	Secret string
	// DatabaseName is what the REST API reports as the database's name;
	// default "d1check-emulator".
	DatabaseName string
	// Trace, when set, records every query the server answers.
	Trace *Trace
}

// Read replication modes, as the REST API names them.
const (
	ReplicationAuto     = "auto"
	ReplicationDisabled = "disabled"
)

// maxRequest bounds a request body: D1 statements are at most 100 KB and
// the binding sends at most 100 parameters of at most 2 MB.
const maxRequest = 32 << 20

// Server is an http.Handler serving one emulator. It is safe for concurrent
// use and owns no goroutines: closing the emulator is the caller's job.
type Server struct {
	emu        *emulator.Emulator
	opts       Options
	transports map[string]d1.Transport // by client region
	primary    d1.Transport            // the primary's region's client: REST and plain requests
	mux        *http.ServeMux
	started    time.Time // the database's created_at

	mu          sync.Mutex
	replication string
}

var _ http.Handler = (*Server)(nil)

// New returns the handler serving emu.
func New(emu *emulator.Emulator, opts Options) (*Server, error) {
	if emu == nil {
		return nil, errors.New("server: nil emulator")
	}
	if opts.DatabaseName == "" {
		opts.DatabaseName = "d1check-emulator"
	}
	s := &Server{emu: emu, opts: opts, transports: map[string]d1.Transport{}, replication: ReplicationAuto, started: time.Now()}
	for _, r := range d1.Regions {
		t, err := emu.Transport(r)
		if err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
		s.transports[r] = t
	}
	var err error
	if s.primary, err = emu.Transport(""); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST "+driverproto.PathQuery, s.query)
	s.mux.HandleFunc("GET "+driverproto.PathStatus, s.status)
	const db = "/client/v4/accounts/{account}/d1/database/{database}"
	s.mux.HandleFunc("POST "+db+"/query", s.restQuery)
	s.mux.HandleFunc("POST "+db+"/raw", s.restRaw)
	s.mux.HandleFunc("GET "+db, s.restDatabase)
	s.mux.HandleFunc("PUT "+db, s.restUpdate)
	s.mux.HandleFunc("PATCH "+db, s.restUpdate)
	return s, nil
}

// ReadReplication is the mode last set through the REST API ("auto" at
// start).
func (s *Server) ReadReplication() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.replication
}

// ServeHTTP checks the secret, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest := strings.HasPrefix(r.URL.Path, "/client/v4/")
	if s.opts.Secret != "" && !s.authorized(r, rest) {
		if rest {
			writeREST(w, http.StatusUnauthorized, restEnvelope{Errors: []restMessage{{Code: 10000, Message: "Authentication error"}}})
			return
		}
		writeJSON(w, http.StatusUnauthorized, driverproto.ErrorBody{Error: "d1check emulator: wrong or missing " + driverproto.HeaderSecret + " header (the server was started with a secret)"})
		return
	}
	if isBinding(r) {
		s.binding(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// HeaderRegion says which region's client is asking: workerd's per-region
// services inject it into every binding request, the driver protocol's
// client sets it.
const HeaderRegion = driverproto.HeaderRegion

// transportFor is the transport of a client in region ("" = the primary's
// region).
func (s *Server) transportFor(region string) (d1.Transport, error) {
	if region == "" {
		return s.primary, nil
	}
	t, ok := s.transports[region]
	if !ok {
		return nil, fmt.Errorf("d1check emulator: %s %q is not a D1 region (want one of %v)", HeaderRegion, region, d1.Regions)
	}
	return t, nil
}

func sortedKeys(row d1.Row) []string {
	keys := make([]string, 0, len(row))
	for k := range row {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (s *Server) authorized(r *http.Request, rest bool) bool {
	got := r.Header.Get(driverproto.HeaderSecret)
	if rest {
		got = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.opts.Secret)) == 1
}

// decode reads a JSON body strictly: an unknown field is a client bug that
// would otherwise be silently ignored.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxRequest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("bad request body: %w", err)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("content-type", "application/json")
	w.WriteHeader(status)
	// The client may be gone; nothing useful can be done with the error.
	_ = json.NewEncoder(w).Encode(v)
}
