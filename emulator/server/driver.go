package server

import (
	"net/http"

	"github.com/d1check/d1check/d1"
	"github.com/d1check/d1check/driverproto"
	"github.com/d1check/d1check/emulator"
)

// query serves POST /query: the statements run through the transport of
// the client's region, exactly as the embedded emulator runs them.
func (s *Server) query(w http.ResponseWriter, r *http.Request) {
	var body driverproto.Request
	if err := decode(r, &body); err != nil {
		writeJSON(w, http.StatusBadRequest, driverproto.ErrorBody{Error: "d1check emulator: " + err.Error()})
		return
	}
	bookmark, has := r.Header[http.CanonicalHeaderKey(driverproto.HeaderBookmark)]
	req, err := body.ToD1(first(bookmark), has)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, driverproto.ErrorBody{Error: "d1check emulator: " + err.Error()})
		return
	}
	t, err := s.transportFor(r.Header.Get(HeaderRegion))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, driverproto.ErrorBody{Error: err.Error()})
		return
	}
	if req.Mode == d1.ModeSession && s.ReadReplication() == ReplicationDisabled {
		// No replicas: the primary serves every session request.
		req.Bookmark = d1.FirstPrimary
	}
	resp, err := s.serve(r, t, ProtocolDriver, req)
	if err != nil {
		writeJSON(w, driverproto.StatusFor(err), driverproto.ErrorBody{Error: err.Error()})
		return
	}
	if req.Mode == d1.ModeSession {
		w.Header().Set(driverproto.HeaderBookmark, resp.Bookmark)
	}
	writeJSON(w, http.StatusOK, driverproto.FromD1Response(resp, req.Mode))
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// Status is GET /status: the driver's identity and each instance's
// applied bookmark.
type Status struct {
	driverproto.Status
	ReadReplication string                    `json:"read_replication"`
	Primary         emulator.InstanceStatus   `json:"primary"`
	Replicas        []emulator.InstanceStatus `json:"replicas"`
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	es := s.emu.Status()
	writeJSON(w, http.StatusOK, Status{
		Status:          driverproto.Status{Driver: driverproto.Driver, Runtime: "emulator", Protocol: driverproto.Version, Bookmark: es.Primary.Bookmark},
		ReadReplication: s.ReadReplication(),
		Primary:         es.Primary,
		Replicas:        es.Replicas,
	})
}
