using System.Diagnostics;
using System.Globalization;
using Atasker;

// Process tasks on a cluster of workers through RabbitMQ. The same app is both sides:
//   dotnet run --project samples/Atasker.Samples.RabbitMQ -- worker [--uri amqp://...] [--queue q]   one worker
//   dotnet run --project samples/Atasker.Samples.RabbitMQ -- demo [--uri amqp://...]                 the tour
// The demo queues 1000 tasks of three priorities, starts two worker processes of this app, checks that every task
// came back and that priorities were honoured, then measures latency and throughput next to the local process pool.
// The broker: ATASKER_RABBITMQ_URI, --uri, or amqp://localhost:5672 (`.ci/rabbitmq start DIR` starts a private one).
if (args is ["worker", .. var workerArgs])
{
    return await AtaskerRemoteWorker.RunAsync(workerArgs);
}

string uri = args.SkipWhile(a => a != "--uri").Skip(1).FirstOrDefault()
    ?? Environment.GetEnvironmentVariable("ATASKER_RABBITMQ_URI") ?? "amqp://guest:guest@localhost:5672/";
var options = new RabbitMqOptions { Uri = new Uri(uri), Queue = $"atasker.samples.demo.{Environment.ProcessId}" };

await using var supervisor = new TaskSupervisor("demo");
RabbitMqProcessPool pool;
try
{
    pool = await supervisor.UseRabbitMqAsync(options);
}
catch (RabbitMqPoolException error)
{
    Console.Error.WriteLine($"{error.Message}{Environment.NewLine}Start a broker first, e.g. `.ci/rabbitmq start /tmp/atasker-rabbitmq` and pass the URI it prints with --uri.");
    return 1;
}

await using (pool)
{
    // 1. A backlog of 1000 tasks, queued before any worker exists: the broker orders it by priority.
    TaskPriority[] priorities = [TaskPriority.Low, TaskPriority.Normal, TaskPriority.High];
    var handles = Enumerable.Range(0, 1000)
        .Select(i => (Priority: priorities[i % 3], Handle: Cluster.StartWork(i, new TaskOptions { Supervisor = supervisor, Priority = priorities[i % 3] })))
        .ToList();
    while (pool.Published < handles.Count && handles.All(h => !h.Handle.Completion.IsFaulted))
    {
        await Task.Delay(10);
    }

    Console.WriteLine($"queued {pool.Published} tasks on '{options.Queue}' at {options.Uri.Host}:{options.Uri.Port}");
    var workers = new[] { StartWorker(), StartWorker() };
    try
    {
        await Task.WhenAll(handles.Select(h => h.Handle.Completion)).WaitAsync(TimeSpan.FromMinutes(2));
        var runs = handles.Select(h => (h.Priority, Parts: h.Handle.Result.Split(':').Select(long.Parse).ToArray())).ToList();
        bool complete = runs.Select(r => r.Parts[2]).Order().SequenceEqual(Enumerable.Range(0, 1000).Select(i => (long)i));
        var perWorker = runs.GroupBy(r => r.Parts[0]).ToList();
        var meanRank = priorities.ToDictionary(p => p, p => perWorker
            .SelectMany(g => g.OrderBy(r => r.Parts[1]).Select((r, rank) => (r.Priority, Rank: (double)rank / g.Count())))
            .Where(r => r.Priority == p).Average(r => r.Rank));
        Console.WriteLine($"1000 tasks came back, {(complete ? "none lost" : "SOME LOST")}: {string.Join(", ", perWorker.Select(g => $"worker {g.Key} ran {g.Count()}"))}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mean start position (0 first, 1 last): high {meanRank[TaskPriority.High]:F2}, normal {meanRank[TaskPriority.Normal]:F2}, low {meanRank[TaskPriority.Low]:F2}"));

        // 2. Latency (one task at a time) and throughput (2000 in flight), remote and local, two workers each.
        await using var local = new TaskSupervisor("local");
        local.SetProcessPool(2);
        foreach (var (name, target) in new[] { ("RabbitMQ, 2 remote workers", supervisor), ("local process pool, 2 workers", local) })
        {
            var (latency, perSecond) = await Measure(target);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: round trip median {latency.TotalMicroseconds:F0} µs, throughput {perSecond:F0} tasks/s"));
        }

        return complete && meanRank[TaskPriority.High] < meanRank[TaskPriority.Normal] && meanRank[TaskPriority.Normal] < meanRank[TaskPriority.Low] ? 0 : 1;
    }
    finally
    {
        foreach (var worker in workers)
        {
            using var stop = Process.Start("kill", ["-TERM", worker.Id.ToString(CultureInfo.InvariantCulture)]);
            await worker.WaitForExitAsync();
        }

        // The demo's queues are its own: leave the broker as it was.
        await using var connection = await new RabbitMQ.Client.ConnectionFactory { Uri = options.Uri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeleteAsync(options.Queue, ifUnused: false, ifEmpty: false);
        await channel.QueueDeleteAsync(options.DeadLetterQueue, ifUnused: false, ifEmpty: false);
        await channel.ExchangeDeleteAsync(options.CancelExchange, ifUnused: false);
    }
}

Process StartWorker()
{
    // This same app, as a worker: `dotnet app.dll worker ...` under the JIT, `app worker ...` when published.
    var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
    {
        start.ArgumentList.Add(typeof(Cluster).Assembly.Location);
    }

    foreach (string argument in new[] { "worker", "--uri", options.Uri.ToString(), "--queue", options.Queue, "--pool-size", "1" })
    {
        start.ArgumentList.Add(argument);
    }

    var process = Process.Start(start)!;
    Console.WriteLine(process.StandardOutput.ReadLine()); // "... consuming ..."
    _ = process.StandardOutput.ReadToEndAsync();
    return process;
}

static async Task<(TimeSpan Median, double PerSecond)> Measure(TaskSupervisor supervisor)
{
    var on = new TaskOptions { Supervisor = supervisor };
    for (int i = 0; i < 20; i++)
    {
        await Cluster.StartAdd(i, i, on); // warm up: workers started, code jitted
    }

    var times = new List<TimeSpan>();
    for (int i = 0; i < 200; i++)
    {
        long start = Stopwatch.GetTimestamp();
        await Cluster.StartAdd(i, i, on);
        times.Add(Stopwatch.GetElapsedTime(start));
    }

    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => Cluster.StartAdd(i, i, on).Completion));
    return (times.Order().ElementAt(times.Count / 2), 2000 / clock.Elapsed.TotalSeconds);
}

/// <summary>The process tasks: nothing here knows whether they run locally or on the cluster.</summary>
internal static partial class Cluster
{
    private static long s_started;

    /// <summary>"pid:start number in that process:index".</summary>
    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial string Work(int index);

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial int Add(int a, int b);

    public static partial string Work(int index)
    {
        long started = Interlocked.Increment(ref s_started);
        Thread.SpinWait(20_000); // a little work
        return string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}:{started}:{index}");
    }

    public static partial int Add(int a, int b) => a + b;
}
