package workloads

// Presence is a read of one thing that a known version of an entity
// created (a file in a folder, a job's results, a folder in the folder
// list), recorded in the checker's versioned forms: {at_least: v} when it
// is there (the entity is at version v or newer), {below: v} when it is
// not (the entity is older than v). Found repeats the answer for a
// person reading the history.
type Presence struct {
	Found   bool   `json:"found"`
	AtLeast *int64 `json:"at_least,omitempty"`
	Below   *int64 `json:"below,omitempty"`
}

// PresenceOf is the read of the thing version v created: found or not.
func PresenceOf(found bool, v int64) Presence {
	if found {
		return Presence{Found: true, AtLeast: &v}
	}
	return Presence{Below: &v}
}
