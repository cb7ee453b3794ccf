using Atasker;

// cf-taskpool's README examples, in C#, in the same order. Each prints what the README says it prints.

// Quick start: an executor with 3 workers; submit one task and await it.
await using (var executor = new TaskPoolExecutor(maxWorkers: 3))
{
    var future = executor.Submit(() => FetchData("https://example.com"));
    Console.WriteLine(await future); // Data from https://example.com
}

// submit: a callable and its arguments (a lambda here).
await using (var executor = new TaskPoolExecutor())
{
    Console.WriteLine(await executor.Submit(() => Multiply(6, 7))); // 42
}

// submit: an awaitable already created (a started Task).
await using (var executor = new TaskPoolExecutor())
{
    var coro = Multiply(6, 7);
    Console.WriteLine(await executor.Submit(() => coro)); // 42
}

// map: results in input order.
await using (var executor = new TaskPoolExecutor(maxWorkers: 3))
{
    var results = new List<int>();
    await foreach (var result in executor.Map(ProcessItem, Enumerable.Range(0, 5)))
    {
        results.Add(result);
    }

    Console.WriteLine($"[{string.Join(", ", results)}]"); // [0, 2, 4, 6, 8]
}

// map with a buffer: only 2 items pre-fetched, for a large source.
await using (var executor = new TaskPoolExecutor(maxWorkers: 3))
{
    var results = new List<int>();
    await foreach (var result in executor.Map(ProcessItem, Enumerable.Range(0, 100), bufferSize: 2))
    {
        results.Add(result);
    }

    Console.WriteLine($"buffered map: {results.Count} results, first {results[0]}, last {results[^1]}");
}

// shutdown by hand.
{
    var executor = new TaskPoolExecutor(maxWorkers: 3);
    var pending = Enumerable.Range(0, 3).Select(i => executor.Submit(() => ProcessItem(i))).ToList();
    await executor.ShutdownAsync(wait: true);
    Console.WriteLine($"after shutdown: {pending.Count(task => task.IsCompletedSuccessfully)} of 3 completed");
}

// asyncio.wait(FIRST_COMPLETED), then the rest: Task.WhenAny, then Task.WhenAll.
await using (var executor = new TaskPoolExecutor(maxWorkers: 3))
{
    var futures = new List<Task<string>>
    {
        executor.Submit(() => Named("fast", 0.1)),
        executor.Submit(() => Named("medium", 0.2)),
        executor.Submit(() => Named("slow", 0.3)),
    };
    var done = await Task.WhenAny(futures);
    Console.WriteLine($"Completed: {await done}"); // Completed: fast
    futures.Remove(done);
    foreach (var result in await Task.WhenAll(futures))
    {
        Console.WriteLine($"Completed: {result}"); // medium, slow
    }
}

// asyncio.as_completed: Task.WhenEach.
await using (var executor = new TaskPoolExecutor(maxWorkers: 3))
{
    Task<string>[] futures =
    [
        executor.Submit(() => Named("task1", 0.3)),
        executor.Submit(() => Named("task2", 0.1)),
        executor.Submit(() => Named("task3", 0.2)),
    ];
    await foreach (var completed in Task.WhenEach(futures))
    {
        Console.WriteLine($"Got result: {await completed}"); // task2, task3, task1
    }
}

// asyncio.gather: Task.WhenAll, results in submission order.
await using (var executor = new TaskPoolExecutor(maxWorkers: 3))
{
    var results = await Task.WhenAll(
        executor.Submit(() => Named("task1", 0.3)),
        executor.Submit(() => Named("task2", 0.1)),
        executor.Submit(() => Named("task3", 0.2)));
    Console.WriteLine($"[{string.Join(", ", results.Select(r => $"'{r}'"))}]"); // ['task1', 'task2', 'task3']
}

// Exceptions: awaiting rethrows the body's exception; the task keeps it too.
await using (var executor = new TaskPoolExecutor())
{
    var future = executor.Submit(FailingTask);
    try
    {
        await future;
    }
    catch (ArgumentException error)
    {
        Console.WriteLine($"Caught exception: {error.Message}");
    }

    Console.WriteLine(future.Exception!.InnerException!.GetType().Name); // ArgumentException
}

// Cancellation: in .NET through a token. The body sees it and the task ends canceled.
await using (var executor = new TaskPoolExecutor())
{
    using var cancel = new CancellationTokenSource();
    var future = executor.Submit(LongRunningTask, cancel.Token);
    await cancel.CancelAsync();
    try
    {
        await future;
    }
    catch (OperationCanceledException)
    {
        Console.WriteLine("Task was cancelled");
    }
}

// map over two sources.
await using (var executor = new TaskPoolExecutor(maxWorkers: 3))
{
    await foreach (var result in executor.Map(Multiply, Enumerable.Range(0, 5), Enumerable.Range(5, 5)))
    {
        Console.Write($"{result} "); // 0 6 14 24 36
    }

    Console.WriteLine();
}

// map over an endless source with a buffer of 2, left early.
await using (var executor = new TaskPoolExecutor(maxWorkers: 3))
{
    await foreach (var result in executor.Map(Process, Count(), bufferSize: 2))
    {
        Console.Write($"{result} ");
        if (result >= 20)
        {
            break;
        }
    }

    Console.WriteLine();
}

static async Task<string> FetchData(string url)
{
    await Task.Delay(100);
    return $"Data from {url}";
}

static async Task<int> Multiply(int x, int y)
{
    await Task.Delay(100);
    return x * y;
}

static async Task<int> ProcessItem(int item)
{
    await Task.Delay(10);
    return item * 2;
}

static async Task<int> Process(int n)
{
    await Task.Delay(10);
    return n * 2;
}

static async Task<string> Named(string name, double delay)
{
    await Task.Delay(TimeSpan.FromSeconds(delay));
    return name;
}

static async Task FailingTask()
{
    await Task.Delay(100);
    throw new ArgumentException("Something went wrong");
}

static async Task<string> LongRunningTask(CancellationToken cancellationToken)
{
    await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
    return "Done";
}

static IEnumerable<int> Count()
{
    for (int n = 0; ; n++)
    {
        yield return n;
    }
}
