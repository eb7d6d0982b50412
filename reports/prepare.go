package reports

// prepared is a validated report with each run's stats gathered once, so
// that WriteAll reads every history a single time for all four outputs.
type prepared struct {
	r     *Report
	stats []*stats
}

func prepare(r *Report) (*prepared, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	pr := &prepared{r: r, stats: make([]*stats, len(r.Runs))}
	for i, run := range r.Runs {
		pr.stats[i] = gather(run.History)
	}
	return pr, nil
}
