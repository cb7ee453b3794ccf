namespace Atasker.Benchmarks.Quick;

/// <summary>How long the quick mode measures: <c>--rounds N</c>, <c>--scale F</c> (operations per round) and
/// <c>--only NAME</c> (one comparison: noop, one-slot, critical, contention, stub).</summary>
internal sealed record QuickOptions(int WarmupRounds, int Rounds, double Scale, string? Only)
{
    public static QuickOptions Parse(string[] args)
    {
        int rounds = 21;
        double scale = 1;
        string? only = null;
        for (int i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--rounds")
            {
                rounds = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--only")
            {
                only = args[i + 1];
            }
            else if (args[i] == "--scale")
            {
                scale = double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return new QuickOptions(WarmupRounds: Math.Max(3, rounds / 2), rounds, scale, only);
    }

    public int Ops(int baseline) => Math.Max(100, (int)(baseline * Scale));
}
