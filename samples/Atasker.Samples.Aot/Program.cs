using Atasker;

// Runs the same way under the JIT (dotnet run) and as a NativeAOT binary (dotnet publish -r linux-x64). With NativeAOT
// the process tasks run in copies of this very binary, started in worker mode: no code in Main is needed for that.
// Thread tasks, on the supervisor's own threads, admitted by priority.
Console.WriteLine($"thread: Square(12) = {await Jobs.StartSquare(12)}");
var order = new List<string>();
var supervisor = new TaskSupervisor("aot-sample");
supervisor.SetThreadPool(1);
var options = new TaskOptions { Supervisor = supervisor };
var gate = new ManualResetEventSlim();
var hold = Jobs.StartHold(gate, options);
var queued = new[]
{
    Jobs.StartRecord(order, "low", options with { Priority = TaskPriority.Low }),
    Jobs.StartRecord(order, "normal", options),
    Jobs.StartRecord(order, "high", options with { Priority = TaskPriority.High }),
};
gate.Set();
TaskHandle.WaitCompleted(queued.Append(hold));
Console.WriteLine($"priority: {string.Join(", ", order)}");

// Async tasks, on an async loop: every continuation of a body runs on the loop's one thread.
var fetched = await Jobs.StartFetch("aot://sample");
var loopThreads = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Jobs.StartLoopThread().Completion));
Console.WriteLine($"async: {fetched}, 4 tasks on {loopThreads.Distinct().Count()} loop thread");

// TaskPoolExecutor: a bounded pool of async workers; Map yields in input order.
await using (var executor = new TaskPoolExecutor(maxWorkers: 3))
{
    var squares = new List<int>();
    await foreach (var square in executor.Map(Jobs.SquareLaterAsync, Enumerable.Range(1, 5)))
    {
        squares.Add(square);
    }

    Console.WriteLine($"executor: {string.Join(", ", squares)}; Submit = {await executor.Submit(() => Jobs.SquareLaterAsync(9))}");
}

// Workers: a queue worker (sync body, items in order) and an event worker (async body, on the loop).
Jobs.TotalWorker.Start();
Jobs.PingWorker.Start();
for (int i = 1; i <= 5; i++)
{
    await Jobs.TotalWorker.PutAsync(i);
}

Jobs.PingWorker.Trigger();
Jobs.TotalWorker.Stop();
while (Jobs.PingWorker.Executions == 0)
{
    await Task.Delay(10);
}

Jobs.PingWorker.Stop();
Console.WriteLine($"workers: queue saw {string.Join(", ", Jobs.Seen)}; event ran {Jobs.PingWorker.Executions} time on the loop");

// A cron schedule (Cronos, time zones from the system): the occurrence in the spring gap, and a run triggered now.
var nightly = new CronWorker("nightly", "30 2 * * *", _ => { }, timeZone: "Europe/Berlin");
var inGap = nightly.NextOccurrence(new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero));
nightly.Start();
nightly.Trigger();
while (nightly.Executions == 0)
{
    await Task.Delay(10);
}

nightly.Stop();
Console.WriteLine($"cron: 02:30 Berlin on 2026-03-29 runs at {inGap:HH:mm} UTC; triggered {nightly.Executions} run");

// Process tasks, in worker processes of the default supervisor's process pool.
var fib = Jobs.StartFib(30);
Console.WriteLine($"process: Fib(30) = {await fib} in {(await Jobs.StartWorkerId() == Environment.ProcessId ? "this process (wrong!)" : "a worker process")}");
try
{
    await Jobs.StartDivide(1, 0);
}
catch (ProcessTaskException error)
{
    Console.WriteLine($"process: fault carried back: {error.RemoteType}");
}

var parallel = Enumerable.Range(20, 4).Select(n => Jobs.StartFib(n)).ToList();
Console.WriteLine($"process: Fib(20..23) = {string.Join(", ", TaskHandle.WaitCompleted(parallel))}");
Console.WriteLine($"process: echo = {await Jobs.StartEcho(["a", "b"], [1.5, 2.5], DateTimeOffset.UnixEpoch, Guid.Empty)}");

// A queue worker whose executions run in the process pool: each item is one process task; false stops the worker.
Jobs.CheckWorker.Start();
foreach (string word in new[] { "alpha", "beta", "stop" })
{
    Jobs.CheckWorker.Put(word);
}

while (Jobs.CheckWorker.IsActive)
{
    await Task.Delay(10);
}

await Jobs.CheckWorker.StopAsync(); // the stop its body asked for, finished
Console.WriteLine($"process worker: {Jobs.CheckWorker.Executions} items run in worker processes, {Jobs.CheckWorker.Failures} failed; it stopped itself on \"stop\"");

supervisor.Stop();
TaskSupervisor.Default.Stop();
Console.WriteLine("done");

public static partial class Jobs
{
    public static List<int> Seen { get; } = [];

    [BackgroundWorker(Queue = true)]
    public static partial void Total(int value) => Seen.Add(value);

    [BackgroundWorker(Event = true)]
    public static async partial Task PingAsync(CancellationToken cancellationToken) => await Task.Yield();

    [BackgroundWorker(Queue = true, Kind = TaskKind.Process)]
    public static partial bool Check(string word) => word != "stop";

    [BackgroundTask(Priority = TaskPriority.High)]
    public static partial int Square(int x) => x * x;

    [BackgroundTask(Priority = TaskPriority.Critical)]
    public static partial void Hold(ManualResetEventSlim gate) => gate.Wait();

    [BackgroundTask]
    public static partial void Record(List<string> order, string name)
    {
        lock (order)
        {
            order.Add(name);
        }
    }

    [BackgroundTask]
    public static async partial Task<string> FetchAsync(string url)
    {
        await Task.Delay(1);
        return $"fetched {url}";
    }

    [BackgroundTask]
    public static async partial Task<int> LoopThreadAsync()
    {
        await Task.Yield();
        return Environment.CurrentManagedThreadId;
    }

    public static async Task<int> SquareLaterAsync(int x)
    {
        await Task.Yield();
        return x * x;
    }

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial long Fib(int n);

    public static partial long Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial int WorkerId() => Environment.ProcessId;

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial int Divide(int a, int b) => a / b;

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial Task<string> EchoAsync(List<string> words, double[] values, DateTimeOffset at, Guid id);

    public static async partial Task<string> EchoAsync(List<string> words, double[] values, DateTimeOffset at, Guid id)
    {
        await Task.Yield();
        return $"{string.Join("+", words)} {values.Sum()} {at.ToUnixTimeSeconds()} {id}";
    }
}
