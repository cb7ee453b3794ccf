using System.Diagnostics;

namespace Atasker.Benchmarks.Quick;

/// <summary>
/// Runs contenders in interleaved rounds: every round runs each contender once, in a rotating order, so a noisy
/// neighbour or a GC hurts all of them alike. Warm-up rounds come first (tiered JIT promotes hot code only after it
/// has run for a while) and are not recorded.
/// </summary>
internal static class Rounds
{
    public static Dictionary<string, List<Sample>> Interleave(IReadOnlyList<Contender> contenders, int opsPerRound, QuickOptions options)
    {
        var samples = contenders.ToDictionary(c => c.Name, _ => new List<Sample>());
        for (int round = 0; round < options.WarmupRounds + options.Rounds; round++)
        {
            for (int k = 0; k < contenders.Count; k++)
            {
                var contender = contenders[(round + k) % contenders.Count];
                var sample = Measure(contender, opsPerRound);
                if (round >= options.WarmupRounds)
                {
                    samples[contender.Name].Add(sample);
                }
            }
        }

        return samples;
    }

    public static Sample Measure(Contender contender, int ops)
    {
        long bytes = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        contender.Run(ops);
        var elapsed = Stopwatch.GetElapsedTime(start);
        bytes = GC.GetTotalAllocatedBytes(precise: true) - bytes;
        return new Sample(elapsed.TotalNanoseconds / ops, (double)bytes / ops);
    }

    public static double Median(IEnumerable<double> values) => Percentile(values, 0.5);

    /// <summary>The median time per operation of <paramref name="contender"/> over that of <paramref name="baseline"/>.</summary>
    public static double Ratio(Dictionary<string, List<Sample>> samples, string contender, string baseline) =>
        Median(samples[contender].Select(s => s.NanosecondsPerOp)) / Median(samples[baseline].Select(s => s.NanosecondsPerOp));

    public static double Percentile(IEnumerable<double> values, double fraction)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        double position = fraction * (sorted.Length - 1);
        int lower = (int)Math.Floor(position);
        int upper = (int)Math.Ceiling(position);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }
}
