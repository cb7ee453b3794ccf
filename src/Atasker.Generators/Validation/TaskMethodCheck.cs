using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Atasker.Generators.Validation;

/// <summary>What <see cref="TaskMethodValidator"/> found: the method's shape and, when asked for, the diagnostics.</summary>
internal sealed class TaskMethodCheck
{
    private readonly bool _collectDiagnostics;
    private List<Diagnostic>? _diagnostics;
    private HashSet<string>? _errorIds;

    public TaskMethodCheck(bool collectDiagnostics) => _collectDiagnostics = collectDiagnostics;

    public MethodShape Shape { get; set; }

    public bool TakesCancellationToken { get; set; }

    public TaskAttributeArguments Arguments { get; set; }

    /// <summary>True when any error was found: the generator writes no working launcher for the method.</summary>
    public bool HasErrors => FirstErrorId is not null;

    /// <summary>The id of the first error found, or null.</summary>
    public string? FirstErrorId { get; private set; }

    /// <summary>Whether an error with this id was found.</summary>
    public bool HasError(string id) => _errorIds?.Contains(id) == true;

    public IReadOnlyList<Diagnostic> Diagnostics => (IReadOnlyList<Diagnostic>?)_diagnostics ?? [];

    public void Report(DiagnosticDescriptor descriptor, Location? location, params object?[] arguments)
    {
        if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
        {
            FirstErrorId ??= descriptor.Id;
            (_errorIds ??= new HashSet<string>()).Add(descriptor.Id);
        }

        if (_collectDiagnostics)
        {
            (_diagnostics ??= new List<Diagnostic>()).Add(Diagnostic.Create(descriptor, location, arguments));
        }
    }
}
