package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/d1check/d1check/driverproto"
)

// Ping checks the driver before a run: GET /status must answer, accept the
// secret, and say it is a d1check driver speaking this protocol version.
// The Worker's /status also runs a query on the primary, so a missing or
// broken D1 binding fails here too. Every error says what to check.
func (c *Client) Ping(ctx context.Context) (driverproto.Status, error) {
	var st driverproto.Status
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	target := c.base.String() + driverproto.PathStatus
	hr, err := c.newRequest(ctx, http.MethodGet, target, nil)
	if err != nil {
		return st, err
	}
	status, raw, err := c.do(hr)
	if err != nil {
		return st, fmt.Errorf("d1check driver at %s: %w", c.base, errors.Unwrap(err))
	}
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return st, fmt.Errorf("d1check driver at %s: %w", c.base, errSecret(status, raw))
	case status != http.StatusOK:
		var eb driverproto.ErrorBody
		if json.Unmarshal(raw, &eb) == nil && eb.Error != "" {
			return st, fmt.Errorf("d1check driver at %s is not healthy (HTTP %d): %s (check its D1 binding)", c.base, status, eb.Error)
		}
		return st, notDriverErr(c.base.String(), status, raw, nil)
	}
	if err := json.Unmarshal(raw, &st); err != nil || st.Driver != driverproto.Driver {
		if err == nil {
			err = fmt.Errorf("driver is %q, want %q", st.Driver, driverproto.Driver)
		}
		return driverproto.Status{}, notDriverErr(c.base.String(), status, raw, err)
	}
	if st.Protocol != driverproto.Version {
		return st, fmt.Errorf("d1check driver at %s speaks protocol %d, this d1check speaks %d: deploy the Worker from this checkout", c.base, st.Protocol, driverproto.Version)
	}
	return st, nil
}
