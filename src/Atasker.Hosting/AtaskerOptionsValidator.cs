using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.Extensions.Options;

namespace Atasker.Hosting;

/// <summary>Checks <see cref="AtaskerOptions"/> when the host starts; every failure names its configuration key.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1812", Justification = "Created by the service container (AddAtasker registers it).")]
internal sealed class AtaskerOptionsValidator : IValidateOptions<AtaskerOptions>
{
    private const string Prefix = AtaskerOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, AtaskerOptions options)
    {
        var failures = new List<string>(options.BindingProblems);
        CheckThreshold(options.TimeoutWarning, "TimeoutWarning", failures);
        CheckThreshold(options.TimeoutCritical, "TimeoutCritical", failures);
        if (options.DefaultLoop is { } defaultLoop && string.IsNullOrWhiteSpace(defaultLoop))
        {
            failures.Add($"{Prefix}DefaultLoop: a loop name must not be empty or white space.");
        }

        for (int i = 0; i < options.Loops.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Loops[i]))
            {
                failures.Add($"{Prefix}Loops:{i}: a loop name must not be empty or white space.");
            }
        }

        foreach (var duplicate in options.Loops.Where(loop => !string.IsNullOrWhiteSpace(loop)).GroupBy(loop => loop, StringComparer.Ordinal).Where(group => group.Count() > 1))
        {
            failures.Add($"{Prefix}Loops: '{duplicate.Key}' is listed {duplicate.Count()} times.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckThreshold(TimeSpan? value, string key, List<string> failures)
    {
        if (value is { } threshold && threshold <= TimeSpan.Zero && threshold != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"{Prefix}{key}: {threshold} is not positive; use a positive duration, or Infinite to turn it off.");
        }
    }
}
