using System.Diagnostics;
using Atasker.Benchmarks.Quick;

namespace Atasker.Benchmarks.Comparisons;

/// <summary>13: 64 bodies that each block for 200 ms, in a 64-slot pool: how long until all have finished, and how
/// long after the submission the last one started. The pool's threads are created on the spot for blocking bodies, so
/// the whole batch should take one body's time.</summary>
internal static class BlockingBodies
{
    public const int Width = 64;

    public static void Run(Report report, QuickOptions options)
    {
        int rounds = Math.Max(3, options.Rounds / 3);
        report.Title("13. Blocking bodies at full width", $"{Width} bodies of 200 ms each into a {Width}-slot pool, a fresh supervisor each of {rounds} rounds");
        foreach (int kept in (int[])[0, Width])
        {
            var total = new List<double>();
            var lastStart = new List<double>();
            for (int round = 0; round < rounds + 1; round++)
            {
                // A fresh supervisor each round: no thread is left over from the round before.
                using var supervisor = new TaskSupervisor("bench-blocking");
                supervisor.SetThreadPool(Width);
                supervisor.SetMinThreads(kept);
                var (elapsed, last) = Measure(supervisor);
                if (round > 0)
                {
                    total.Add(elapsed.TotalMilliseconds);
                    lastStart.Add(last.TotalMilliseconds);
                }
            }

            string how = kept == 0 ? "threads created on the spot" : $"SetMinThreads({kept})";
            report.Note(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{how}: all finished: median {Rounds.Median(total):F0} ms (max {total.Max():F0}); the last body started: median {Rounds.Median(lastStart):F1} ms after the first submission (max {lastStart.Max():F1})"));
            report.Target($"13. Atasker 64 x 200 ms blocking bodies, 64 slots, {how}, all finished (ms)", Rounds.Median(total), 210, "F0");
        }
    }

    /// <summary>Submits the batch and returns when every body has finished, and when the last one started.</summary>
    public static (TimeSpan Elapsed, TimeSpan LastStart) Measure(TaskSupervisor supervisor)
    {
        Peers.PeerJobs.Reset(Width);
        var start = Peers.PeerJobs.Clock.Elapsed;
        var clock = Stopwatch.StartNew();
        var handles = new TaskHandle[Width];
        for (int i = 0; i < Width; i++)
        {
            handles[i] = supervisor.Submit(static () => Peers.PeerJobs.Run((int)Peers.PeerJobKind.Block));
        }

        TaskHandle.WaitCompleted(handles);
        return (clock.Elapsed, Peers.PeerJobs.LastBlockStart - start);
    }
}
