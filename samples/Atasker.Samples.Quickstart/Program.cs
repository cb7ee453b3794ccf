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

// 5. Stop: runs what was accepted (or cancels it with cancelTasks: true); every handle ends.
supervisor.Stop();
TaskSupervisor.Default.Stop();
Console.WriteLine($"stopped: {supervisor.GetInfo().Thread}");

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
