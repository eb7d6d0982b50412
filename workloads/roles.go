package workloads

// Rotation says which of the n roles of generation gen a peer holds, among
// peers clients of one variant: role k goes to peer (gen*n + k) mod peers,
// so the roles move on every generation and every peer takes its turn
// (an admin who edits, an uploader, a job's submitter). ok is false for a
// peer with no role this generation (a shopper, a browser); role is then
// still the peer's place in the rotation, in [n, peers), which a workload
// with more than one kind of role hands out further (a job's worker is
// the peer n places behind its submitter). n is capped at peers: a peer
// never holds two roles.
func Rotation(peer, peers, gen, n int) (role int, ok bool) {
	if peers < 1 || n < 1 {
		return 0, false
	}
	n = min(n, peers)
	k := ((peer-gen*n)%peers + peers) % peers
	return k, k < n
}
