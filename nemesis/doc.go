// Package nemesis applies a scenario's faults to a target while a run's
// clients drive traffic, the way Jepsen's nemesis does: at each fault's
// start time it breaks something (pauses a region's replication, spikes
// its lag, restarts a replica from an older snapshot, slows the primary,
// loses requests' answers, makes clients drop their bookmark) and at its
// end it repairs it, recording both moments as nemesis events in the
// history so reports can shade the window.
//
// A fault that cannot be applied to the target (anything but client-side
// faults on a real D1, or a client-side fault the runner cannot apply) is
// refused by New, before anything runs: a gate that silently skipped its
// faults would pass for the wrong reason.
//
// Every wait is bounded: the scheduler sleeps only until the next fault
// boundary or until its context ends, after which it repairs every active
// fault before returning; a slow-primary delay sleeps at most its Delay
// and gives up with the request's context.
package nemesis
