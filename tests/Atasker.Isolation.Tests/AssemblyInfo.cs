// Starving the .NET ThreadPool starves every test beside it: one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
