namespace Atasker.Systematic.Tests;

/// <summary>How long the checks explore: ATASKER_SYSTEMATIC_SCALE times the CI budget.</summary>
internal static class Budget
{
    private static readonly int Scale = int.TryParse(Environment.GetEnvironmentVariable("ATASKER_SYSTEMATIC_SCALE"), out int scale) && scale > 0 ? scale : 1;

    public static long Iterations(long ci) => ci * Scale;
}
