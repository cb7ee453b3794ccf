using Atasker;

// 1. Start background tasks: StartX returns a handle at once; the body runs on the supervisor's threads.
var reports = new Reports();
TaskHandle<int> build = reports.StartBuild(21);
TaskHandle<int> urgent = reports.StartBuild(1, new TaskOptions { Priority = TaskPriority.Critical });
Console.WriteLine($"Build(21) = {await build}, Build(1) = {urgent.Wait()}");

// 2. Priorities and reserves: one slot, so waiting tasks start strictly by priority, then first come first served.
var supervisor = new TaskSupervisor("quickstart");
supervisor.SetThreadPool(poolSize: 1);
var options = new TaskOptions { Supervisor = supervisor };
var busy = reports.StartBusy(TimeSpan.FromMilliseconds(100), options);
var queued = new[]
{
    reports.StartLog("low", options with { Priority = TaskPriority.Low }),
    reports.StartLog("normal", options),
    reports.StartLog("high", options with { Priority = TaskPriority.High }),
};
Console.WriteLine($"thread pool: {supervisor.GetInfo().Thread}");
TaskHandle.WaitCompleted(queued.Append(busy));

// 3. Cancellation: a queued task never runs; a running one sees its token signalled.
var running = reports.StartBusy(TimeSpan.FromSeconds(30), options);
var neverRuns = reports.StartLog("never printed", options);
Console.WriteLine($"queued task: Cancel() = {neverRuns.Cancel()}, so it never runs");
running.Cancel();
try
{
    await running;
}
catch (OperationCanceledException)
{
    Console.WriteLine($"running task: its token was signalled, it ended {running.State}");
}

// 4. Failures stay on the handle and are rethrown, unwrapped.
try
{
    reports.StartBuild(-1).Wait();
}
catch (ArgumentException error)
{
    Console.WriteLine($"Build(-1) failed: {error.Message}");
}

// 5. Async bodies run as async tasks on an async loop: one dedicated thread, every continuation back on it.
var feeds = new Feeds();
TaskHandle<string> fetch = feeds.StartFetch("https://example.com");
Console.WriteLine(await fetch);

// 6. TaskPoolExecutor: a bounded pool of async workers with a concurrent.futures API.
await using (var executor = new TaskPoolExecutor(maxWorkers: 3))
{
    Console.WriteLine($"Submit: 6 x 7 = {await executor.Submit(() => Feeds.MultiplyAsync(6, 7))}");
    var doubled = new List<int>();
    await foreach (var result in executor.Map(x => Feeds.MultiplyAsync(x, 2), Enumerable.Range(0, 5)))
    {
        doubled.Add(result);
    }

    Console.WriteLine($"Map: [{string.Join(", ", doubled)}]");
}

// 7. Workers: [BackgroundWorker] methods get an XWorker property. Each execution is one task on the pool.
var station = new Station();
station.SendWorker.Start(supervisor);      // a queue worker: one execution per item, in order
station.AlarmWorker.Start(supervisor);     // an event worker: one execution per trigger
station.SampleWorker.Start(supervisor);    // an interval worker: first run at Start, then every 50 ms
foreach (var message in new[] { "todo1", "todo2", "todo3" })
{
    station.SendWorker.Put(message);
}

station.AlarmWorker.Trigger();
station.SendWorker.Stop();                 // runs every item put before it, then stops
station.AlarmWorker.Stop();
Console.WriteLine($"workers: {station.SendWorker.Executions} sent, {station.AlarmWorker.Executions} alarm");

// 8. Stop: runs what was accepted (or cancels it with cancelTasks: true); every handle ends; workers stop first.

supervisor.Stop();
TaskSupervisor.Default.Stop();
Console.WriteLine($"stopped: {supervisor.GetInfo().Thread}");

public partial class Station
{
    [BackgroundWorker(Queue = true)]
    public partial void Send(string message) => Console.WriteLine($"sent {message}");

    [BackgroundWorker(Event = true, Priority = TaskPriority.High)]
    public partial void Alarm() => Console.WriteLine("alarm raised with high priority");

    [BackgroundWorker(Interval = 0.05)]
    public partial void Sample() { /* runs every 50 ms until its supervisor stops */ }
}

public partial class Feeds
{
    [BackgroundTask]
    public async partial Task<string> FetchAsync(string url, CancellationToken cancellationToken)
    {
        await Task.Delay(100, cancellationToken); // simulate I/O
        return $"Data from {url} (on '{Thread.CurrentThread.Name}')";
    }

    public static async Task<int> MultiplyAsync(int x, int y)
    {
        await Task.Delay(10);
        return x * y;
    }
}

public partial class Reports
{
    [BackgroundTask(Priority = TaskPriority.High)]
    public partial int Build(int id) =>
        id >= 0 ? id * 2 : throw new ArgumentException($"report id {id} is negative");

    [BackgroundTask]
    public partial void Busy(TimeSpan duration, CancellationToken cancellationToken)
    {
        cancellationToken.WaitHandle.WaitOne(duration);
        cancellationToken.ThrowIfCancellationRequested();
    }

    [BackgroundTask]
    public partial void Log(string message) => Console.WriteLine($"  ran: {message}");
}
