using System.Diagnostics;
using System.Globalization;
using Atasker.Benchmarks.Quick;
using MassTransit;

namespace Atasker.Benchmarks.Remote;

/// <summary>
/// <c>--only remote</c> (a broker in ATASKER_RABBITMQ_URI, e.g. from <c>.ci/rabbitmq start DIR</c>): Atasker.RabbitMQ
/// against MassTransit 8.5 request/response on the same broker, in one run: round trip p50/p99 one at a time, and
/// throughput with 1, 4 and 16 tasks in flight per worker, two worker processes each (this same app).
/// </summary>
internal static class RemoteComparison
{
    public const string WorkerArgument = "--remote-worker";
    private const int Trips = 300;
    private const int Batch = 3000;

    public static void Run(Report report, QuickOptions options)
    {
        report.Title("14. Remote tasks: Atasker.RabbitMQ against MassTransit 8.5 (RabbitMQ)", "the same private broker, two worker processes each, an int echoed");
        if (Environment.GetEnvironmentVariable("ATASKER_RABBITMQ_URI") is not { Length: > 0 } uri)
        {
            report.Note("skipped: set ATASKER_RABBITMQ_URI to a broker (`.ci/rabbitmq start DIR` starts a private one and prints it)");
            return;
        }

        var broker = new Uri(uri);
        var ratios = new List<string>();
        foreach (int concurrency in (int[])[1, 4, 16])
        {
            var atasker = MeasureAtasker(broker, concurrency).GetAwaiter().GetResult();
            var massTransit = MeasureMassTransit(broker, concurrency).GetAwaiter().GetResult();
            foreach (var (name, result) in new[] { ("Atasker.RabbitMQ", atasker), ("MassTransit 8.5 request/response", massTransit) })
            {
                report.Note(string.Create(CultureInfo.InvariantCulture, $"{concurrency,2} per worker  {name,-34} round trip p50 {Rounds.Percentile(result.Trips, 0.5),8:F0} µs  p99 {Rounds.Percentile(result.Trips, 0.99),8:F0} µs  throughput {result.PerSecond,8:F0} tasks/s"));
            }

            report.Target($"14. Atasker / MassTransit round trip p50, {concurrency} per worker", Rounds.Percentile(atasker.Trips, 0.5) / Rounds.Percentile(massTransit.Trips, 0.5), 1.0);
            report.Target($"14. MassTransit / Atasker throughput, {concurrency} per worker", massTransit.PerSecond / atasker.PerSecond, 1.0);
        }
    }

    /// <summary>A worker process of this app: <c>--remote-worker atasker|masstransit URI QUEUE CONCURRENCY</c>.</summary>
    public static int Serve(string kind, string uri, string queue, string concurrency)
    {
        int slots = int.Parse(concurrency, CultureInfo.InvariantCulture);
        return kind == "atasker"
            ? AtaskerRemoteWorker.RunAsync(["--uri", uri, "--queue", queue, "--pool-size", concurrency]).GetAwaiter().GetResult()
            : MassTransitEcho.ServeAsync(new Uri(uri), queue, slots).GetAwaiter().GetResult();
    }

    private static async Task<(List<double> Trips, double PerSecond)> MeasureAtasker(Uri broker, int concurrency)
    {
        var rabbit = new RabbitMqOptions { Uri = broker, Queue = $"bench.atasker.{Environment.ProcessId}.{concurrency}" };
        await using var supervisor = new TaskSupervisor("bench-remote");
        var pool = await supervisor.UseRabbitMqAsync(rabbit).ConfigureAwait(false);
        await using (pool.ConfigureAwait(false))
        {
            var workers = StartWorkers("atasker", broker, rabbit.Queue, concurrency);
            try
            {
                var on = new TaskOptions { Supervisor = supervisor };
                return await Measure(concurrency, async i => await Workloads.StartEcho(i, on)).ConfigureAwait(false);
            }
            finally
            {
                StopWorkers(workers);
                await DeleteQueuesAsync(broker, rabbit.Queue, rabbit.DeadLetterQueue, rabbit.CancelExchange).ConfigureAwait(false);
            }
        }
    }

    private static async Task<(List<double> Trips, double PerSecond)> MeasureMassTransit(Uri broker, int concurrency)
    {
        string queue = $"bench.masstransit.{Environment.ProcessId}.{concurrency}";
        var workers = StartWorkers("masstransit", broker, queue, concurrency);
        var (bus, client) = await MassTransitEcho.ConnectAsync(broker, queue).ConfigureAwait(false);
        try
        {
            return await Measure(concurrency, async i => (await client.GetResponse<EchoReply>(new EchoRequest(i)).ConfigureAwait(false)).Message.Value).ConfigureAwait(false);
        }
        finally
        {
            await bus.StopAsync().ConfigureAwait(false);
            StopWorkers(workers);
            await DeleteQueuesAsync(broker, queue, $"{queue}_error", $"{queue}_skipped").ConfigureAwait(false);
        }
    }

    /// <summary>Round trips one at a time, then a batch with 2 x concurrency in flight (two workers).</summary>
    private static async Task<(List<double> Trips, double PerSecond)> Measure(int concurrency, Func<int, Task<int>> echo)
    {
        for (int i = 0; i < 50; i++)
        {
            Check(i, await echo(i).ConfigureAwait(false)); // warm up: both workers started, code jitted
        }

        var trips = new List<double>(Trips);
        for (int i = 0; i < Trips; i++)
        {
            long start = Stopwatch.GetTimestamp();
            Check(i, await echo(i).ConfigureAwait(false));
            trips.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        int next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 2 * concurrency).Select(async _ =>
        {
            for (int i = Interlocked.Increment(ref next); i < Batch; i = Interlocked.Increment(ref next))
            {
                Check(i, await echo(i).ConfigureAwait(false));
            }
        })).ConfigureAwait(false);
        return (trips, Batch / clock.Elapsed.TotalSeconds);
    }

    private static void Check(int sent, int received)
    {
        if (sent != received)
        {
            throw new InvalidOperationException($"Sent {sent}, got {received} back.");
        }
    }

    private static List<Process> StartWorkers(string kind, Uri broker, string queue, int concurrency)
    {
        var workers = new List<Process>();
        for (int w = 0; w < 2; w++)
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardInput = true };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            {
                start.ArgumentList.Add(typeof(RemoteComparison).Assembly.Location);
            }

            foreach (string argument in new[] { WorkerArgument, kind, broker.ToString(), queue, concurrency.ToString(CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start)!;
            _ = process.StandardOutput.ReadLine(); // "... consuming ...": the worker is ready
            _ = process.StandardOutput.ReadToEndAsync();
            workers.Add(process);
        }

        return workers;
    }

    private static void StopWorkers(List<Process> workers)
    {
        foreach (var worker in workers)
        {
            // Both kinds stop cleanly on SIGTERM (the Atasker worker) or when their input closes (the MassTransit one).
            using var stop = Process.Start("kill", ["-TERM", worker.Id.ToString(CultureInfo.InvariantCulture)]);
            worker.StandardInput.Close();
            if (!worker.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                worker.Kill();
            }

            worker.Dispose();
        }
    }

    private static async Task DeleteQueuesAsync(Uri broker, string queue, string second, string third)
    {
        // The comparison's queues are its own: leave the broker as it was.
        await using var connection = await new RabbitMQ.Client.ConnectionFactory { Uri = broker }.CreateConnectionAsync().ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync().ConfigureAwait(false);
        foreach (string name in new[] { queue, second })
        {
            _ = await channel.QueueDeleteAsync(name, ifUnused: false, ifEmpty: false).ConfigureAwait(false);
        }

        await channel.ExchangeDeleteAsync(third, ifUnused: false).ConfigureAwait(false);
    }
}
