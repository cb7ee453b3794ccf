// Timing-sensitive tests (threads starting "promptly", queue-wait thresholds) run one class at a time, so the
// two cores of a CI machine are not shared with another test's busy threads.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
