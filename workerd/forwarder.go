package workerd

import _ "embed"

// forwarderJS serves the D1 binding's RPC method (compatibility flag
// d1_binding_jsrpc) by sending the binding protocol's HTTP request to the
// emulator: workerd's external services speak HTTP only.
//
//go:embed forwarder.js
var forwarderJS []byte
