using System;
using System.IO;
using System.Runtime.CompilerServices;
using Cronos;

namespace Atasker.Analyzers;

/// <summary>
/// A worker's cron text and time zone, checked at compile time the way <c>CronWorker</c> checks them when it is created:
/// the text with Cronos (five fields, or six with seconds first), the zone among the machine's. Null means valid, or
/// that this machine cannot tell (then the worker's <c>ArgumentException</c> says it at run time).
/// </summary>
internal static class CronCheck
{
    private static readonly char[] Separators = [' ', '\t'];

    /// <summary>Why <paramref name="cron"/> is not a valid expression (the parser's message), or null.</summary>
    public static string? CronProblem(string cron)
    {
        try
        {
            return Parse(cron);
        }
        catch (Exception error) when (error is FileNotFoundException or FileLoadException)
        {
            return null; // Cronos is not beside the analyzer (a hand-made reference): the run time checks it
        }
    }

    /// <summary>Why <paramref name="timeZone"/> is not a zone this machine knows, or null. A machine that does not know
    /// a well-known zone of the same kind (an IANA id, or a Windows one) has no database to judge by, so it says
    /// nothing: a build machine without time zone data must not fail a valid schedule.</summary>
    public static string? TimeZoneProblem(string timeZone)
    {
        if (Find(timeZone) is not { } problem)
        {
            return null;
        }

        string wellKnown = timeZone.IndexOf('/') >= 0 ? "Europe/London" : "GMT Standard Time";
        return Find(wellKnown) is null ? problem : null;
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // Cronos is loaded here, inside the try above
    private static string? Parse(string cron)
    {
        int fields = cron.Split(Separators, StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            _ = CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            return null;
        }
        catch (CronFormatException error)
        {
            return error.Message;
        }
    }

    private static string? Find(string timeZone)
    {
        try
        {
            _ = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
            return null;
        }
        catch (Exception error) when (error is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return error.Message;
        }
    }
}
