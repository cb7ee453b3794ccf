using System.Diagnostics;
using System.Globalization;
using Atasker.Benchmarks.Quick;

namespace Atasker.Benchmarks.Peers;

/// <summary>
/// <c>--peers</c>: Atasker against the libraries .NET users would otherwise pick for background jobs, each at its
/// fastest documented settings (see each peer's Settings): P1 throughput of fire-and-forget no-op jobs at
/// concurrency 8, P2 idle latency (enqueue to body, one job at a time), P3 the order of 10 High jobs enqueued behind
/// 100 Low ones in a busy one-slot pool, P4 64 bodies that each block 200 ms at concurrency 64.
/// </summary>
internal static class PeerComparisons
{
    private const int Concurrency = 8;

    private static readonly (string Name, Func<int, IPeer> Create)[] s_peers =
    [
        ("Atasker", c => new AtaskerPeer(c)),
        ("Hangfire 1.8 + InMemory", c => new HangfirePeer(c)),
        ("Quartz.NET 4.7 (RAM store)", c => new QuartzPeer(c)),
        ("Coravel 6 (queue)", _ => new CoravelPeer()),
    ];

    public static void Run(Report report, QuickOptions options)
    {
        Throughput(report, options);
        IdleLatency(report, options);
        PriorityOrder(report);
        Blocking(report, options);
    }

    private static void Throughput(Report report, QuickOptions options)
    {
        int jobs = options.Ops(5_000);
        var peers = s_peers.Select(p => p.Create(Concurrency)).ToList();
        try
        {
            var samples = Rounds.Interleave(
                peers.Select(peer => new Contender(peer.Name, n => RunBatch(peer, n, PeerJobKind.Signal))).ToList(),
                jobs,
                options with { WarmupRounds = 2, Rounds = Math.Min(options.Rounds, 7) });
            report.Title("P1. Fire-and-forget throughput against the peers", $"{jobs:N0} no-op jobs per round enqueued from one thread at concurrency {Concurrency}, until the last has run");
            report.Table(samples, "Atasker", "job");
            foreach (var peer in peers)
            {
                report.Note($"{peer.Name}: {peer.Settings}");
            }
        }
        finally
        {
            DisposeAll(peers);
        }
    }

    private static void IdleLatency(Report report, QuickOptions options)
    {
        var rows = new Dictionary<string, (List<double>, double)>();
        foreach (var (name, create) in s_peers)
        {
            var peer = create(Concurrency);
            try
            {
                // Coravel's queue is looked at once a second: a handful of trips says enough.
                int trips = peer is CoravelPeer ? 5 : options.Ops(300);
                var latencies = new List<double>(trips);
                for (int i = 0; i < trips + 20; i++)
                {
                    PeerJobs.Reset(1);
                    long start = Stopwatch.GetTimestamp();
                    peer.Enqueue(PeerJobKind.Signal);
                    PeerJobs.Wait();
                    if (i >= 20 || peer is CoravelPeer)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                    }

                    if (peer is CoravelPeer && latencies.Count == trips)
                    {
                        break;
                    }
                }

                rows[name] = (latencies, double.NaN);
            }
            finally
            {
                DisposeAll([peer]);
            }
        }

        report.Title("P2. Idle latency against the peers", "one job at a time into an idle pool: enqueue until its body has run and the waiter woke");
        report.Latencies(rows);
        var atasker = Rounds.Percentile(rows["Atasker"].Item1, 0.5);
        foreach (var (name, (latencies, _)) in rows.Where(r => r.Key != "Atasker"))
        {
            report.Note(string.Create(CultureInfo.InvariantCulture, $"{name}: p50 {Rounds.Percentile(latencies, 0.5) / atasker:F0}x Atasker's"));
        }
    }

    private static void PriorityOrder(Report report)
    {
        report.Title("P3. Priority order against the peers", "a one-slot pool kept busy by one job; 100 Low jobs enqueued, then 10 High; the slot freed: where do the High ones run?");
        foreach (var (name, create) in s_peers)
        {
            var peer = create(1);
            try
            {
                if (!peer.HasPriorities)
                {
                    report.Note($"{name}: no job priorities (skipped)");
                    continue;
                }

                PeerJobs.Reset(111);
                peer.Enqueue(PeerJobKind.Hold);
                peer.Flush();
                PeerJobs.WaitHolding();
                for (int i = 0; i < 100; i++)
                {
                    peer.Enqueue(PeerJobKind.Low);
                }

                for (int i = 0; i < 10; i++)
                {
                    peer.Enqueue(PeerJobKind.High);
                }

                PeerJobs.Release();
                PeerJobs.Wait();
                var order = PeerJobs.Order.ToArray();
                var positions = Enumerable.Range(0, order.Length).Where(i => order[i] == "high").Select(i => i + 1).ToList();
                bool first = positions.SequenceEqual(Enumerable.Range(1, 10));
                report.Note($"{name}: the High jobs ran at positions {string.Join(",", positions)} of {order.Length} ({(first ? "all before every Low one" : "not first")})");
            }
            finally
            {
                DisposeAll([peer]);
            }
        }
    }

    private static void Blocking(Report report, QuickOptions options)
    {
        const int Width = 64;
        int rounds = Math.Max(2, options.Rounds / 7);
        report.Title("P4. Blocking bodies against the peers", $"{Width} jobs that each block 200 ms at concurrency {Width}, a fresh instance each of {rounds} rounds: until all have run, and when the last one started");
        foreach (var (name, create) in s_peers)
        {
            var total = new List<double>();
            var lastStart = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                var peer = create(Width);
                try
                {
                    var start = PeerJobs.Clock.Elapsed;
                    var clock = Stopwatch.StartNew();
                    RunBatch(peer, Width, PeerJobKind.Block);
                    total.Add(clock.Elapsed.TotalMilliseconds);
                    lastStart.Add((PeerJobs.LastBlockStart - start).TotalMilliseconds);
                }
                finally
                {
                    DisposeAll([peer]);
                }
            }

            report.Note(string.Create(CultureInfo.InvariantCulture, $"{name,-28} all done: {string.Join(", ", total.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))} ms; last start after {string.Join(", ", lastStart.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))} ms"));
        }
    }

    private static void RunBatch(IPeer peer, int jobs, PeerJobKind kind)
    {
        PeerJobs.Reset(jobs);
        for (int i = 0; i < jobs; i++)
        {
            peer.Enqueue(kind);
        }

        peer.Flush();
        PeerJobs.Wait();
    }

    private static void DisposeAll(List<IPeer> peers)
    {
        foreach (var peer in peers)
        {
            peer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
