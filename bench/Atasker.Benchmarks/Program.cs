using Atasker.Benchmarks;
using Atasker.Benchmarks.Comparisons;
using Atasker.Benchmarks.Quick;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// dotnet run -c Release --project bench/Atasker.Benchmarks -- --quick [--rounds N] [--scale F]
//   interleaved rounds of every comparison in one process: medians, ratios to baselines, targets.
// dotnet run -c Release --project bench/Atasker.Benchmarks -- --quick --peers
//   Atasker against Hangfire (InMemory), Quartz.NET (RAM store) and Coravel: throughput, idle latency, priority order,
//   blocking bodies.
// dotnet run -c Release --project bench/Atasker.Benchmarks -- [BenchmarkDotNet arguments, e.g. --filter *]
//   the BenchmarkDotNet suites (in process, MemoryDiagnoser).
if (args is [ProcessRoundTrip.EchoArgument, var pipeName])
{
    return ProcessRoundTrip.ServeEcho(pipeName);
}

if (args is [Atasker.Benchmarks.Remote.RemoteComparison.WorkerArgument, var kind, var uri, var queue, var concurrency])
{
    return Atasker.Benchmarks.Remote.RemoteComparison.Serve(kind, uri, queue, concurrency);
}

if (args.Contains("--quick"))
{
    var options = QuickOptions.Parse(args);
    var report = new Report();
    Console.WriteLine($"Atasker quick benchmarks: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {options.Rounds} rounds after {options.WarmupRounds} warm-up rounds");
    var comparisons = new (string Name, Action<Report, QuickOptions> Run)[]
    {
        ("noop", NoopTasks.Run),
        ("one-slot", OneSlotHandoff.Run),
        ("critical", CriticalLatency.Run),
        ("async", AsyncWork.Run),
        ("contention", PriorityContention.Run),
        ("queue", QueueWorkers.Run),
        ("stub", StubVersusDelegate.Run),
        ("process", ProcessRoundTrip.Run),
        ("timers", Timers.Run),
        ("saturated", SaturatedPool.Run),
        ("blocking", BlockingBodies.Run),
        ("dashboard", DashboardCost.Run),
    };
    (string Name, Action<Report, QuickOptions> Run) remote = ("remote", Atasker.Benchmarks.Remote.RemoteComparison.Run); // needs a broker: --only remote
    var selected = args.Contains("--peers")
        ? new List<(string Name, Action<Report, QuickOptions> Run)> { ("peers", Atasker.Benchmarks.Peers.PeerComparisons.Run) }
        : options.Only == remote.Name ? [remote] : comparisons.Where(c => options.Only is null || c.Name == options.Only).ToList();
    // The peers and the remote comparison warm up inside their own rounds (a whole pass of either takes a minute).
    if (!args.Contains("--peers") && options.Only != remote.Name)
    {
        Warmup.UntilJitSettles(() => selected.ForEach(c => c.Run(new Report(quiet: true), options with { WarmupRounds = 1, Rounds = 1, Scale = options.Scale / 4 })));
    }

    foreach (var (_, run) in selected)
    {
        run(report, options);
    }

    Console.WriteLine();
    Console.WriteLine("Targets:");
    foreach (var verdict in report.Verdicts)
    {
        Console.WriteLine($"  {verdict}");
    }

    if (args.Contains("--markdown"))
    {
        Console.WriteLine();
        Console.WriteLine("| comparison / contender | median | allocated | ratio |");
        Console.WriteLine("|---|---|---|---|");
        Console.Write(report.Markdown);
    }

    return 0;
}

var config = ManualConfig.Create(DefaultConfig.Instance)
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
BenchmarkSwitcher.FromAssembly(typeof(Workloads).Assembly).Run(args, config);
return 0;
