using System.Globalization;
using System.Text;

namespace Atasker.Benchmarks.Quick;

/// <summary>Prints a comparison as a table of medians with ratios to a baseline, and keeps the verdicts on targets.
/// A report made with <c>quiet: true</c> (warm-up passes) prints nothing.</summary>
internal sealed class Report(bool quiet = false)
{
    private readonly TextWriter _out = quiet ? TextWriter.Null : Console.Out;

    private readonly List<string> _verdicts = [];
    private readonly StringBuilder _markdown = new();

    public IReadOnlyList<string> Verdicts => _verdicts;

    public string Markdown => _markdown.ToString();

    public void Title(string title, string detail)
    {
        _out.WriteLine();
        _out.WriteLine(title);
        _out.WriteLine($"  {detail}");
        _markdown.AppendLine(CultureInfo.InvariantCulture, $"| **{title}** | | | |");
    }

    /// <summary>A table of medians: time and bytes per operation, and time as a ratio to <paramref name="reference"/>.</summary>
    public void Table(Dictionary<string, List<Sample>> samples, string reference, string unit = "op")
    {
        double referenceTime = Rounds.Median(samples[reference].Select(s => s.NanosecondsPerOp));
        _out.WriteLine($"  {"contender",-46} {"median ns/" + unit,14} {"B/" + unit,8} {"ratio",7}");
        foreach (var (name, list) in samples)
        {
            double time = Rounds.Median(list.Select(s => s.NanosecondsPerOp));
            double bytes = Rounds.Median(list.Select(s => s.BytesPerOp));
            double ratio = time / referenceTime;
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-46} {time,14:F0} {bytes,8:F0} {ratio,7:F2}"));
            if (Environment.GetEnvironmentVariable("ATASKER_BENCH_SAMPLES") == "1")
            {
                _out.WriteLine("      " + string.Join(" ", list.Select(sample => sample.NanosecondsPerOp.ToString("F0", CultureInfo.InvariantCulture))));
            }
            _markdown.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {time:F0} ns | {bytes:F0} B | {ratio:F2} |");
        }
    }

    /// <summary>A table of latency percentiles (µs) and bytes per operation.</summary>
    public void Latencies(Dictionary<string, (List<double> Microseconds, double Bytes)> rows)
    {
        _out.WriteLine($"  {"contender",-46} {"p50 µs",10} {"p99 µs",10} {"B/op",8}");
        foreach (var (name, (latencies, bytes)) in rows)
        {
            double p50 = Rounds.Percentile(latencies, 0.5);
            double p99 = Rounds.Percentile(latencies, 0.99);
            string allocated = double.IsNaN(bytes) ? "-" : bytes.ToString("F0", CultureInfo.InvariantCulture);
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-46} {p50,10:F1} {p99,10:F1} {allocated,8}"));
            _markdown.AppendLine(CultureInfo.InvariantCulture, $"| {name} | p50 {p50:F1} µs, p99 {p99:F1} µs | {allocated} B | |");
        }
    }

    /// <summary>Checks a measured value against a target and prints the verdict.</summary>
    public void Target(string what, double value, double limit, string format = "F2", double? stretch = null)
    {
        string verdict = value <= limit ? (stretch is { } s && value <= s ? "MET (stretch too)" : "MET") : "MISSED";
        string line = string.Create(CultureInfo.InvariantCulture, $"{what}: {value.ToString(format, CultureInfo.InvariantCulture)} (target <= {limit.ToString(format, CultureInfo.InvariantCulture)}{(stretch is { } t ? $", stretch <= {t.ToString(format, CultureInfo.InvariantCulture)}" : "")}) {verdict}");
        _out.WriteLine($"  -> {line}");
        _verdicts.Add(line);
    }

    public void Note(string text)
    {
        _out.WriteLine($"  {text}");
    }
}
