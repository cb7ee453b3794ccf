using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Atasker.Generators.Validation;

/// <summary>What <see cref="TaskMethodValidator"/> found: the method's shape and, when asked for, the diagnostics.</summary>
internal sealed class TaskMethodCheck
{
    private readonly bool _collectDiagnostics;
    private List<Diagnostic>? _diagnostics;

    public TaskMethodCheck(bool collectDiagnostics) => _collectDiagnostics = collectDiagnostics;

    public MethodShape Shape { get; set; }

    public bool TakesCancellationToken { get; set; }

    public TaskAttributeArguments Arguments { get; set; }

    /// <summary>True when any error was found: the generator writes nothing for the method.</summary>
    public bool HasErrors { get; private set; }

    public IReadOnlyList<Diagnostic> Diagnostics => (IReadOnlyList<Diagnostic>?)_diagnostics ?? [];

    public void Report(DiagnosticDescriptor descriptor, Location? location, params object?[] arguments)
    {
        HasErrors |= descriptor.DefaultSeverity == DiagnosticSeverity.Error;
        if (_collectDiagnostics)
        {
            (_diagnostics ??= new List<Diagnostic>()).Add(Diagnostic.Create(descriptor, location, arguments));
        }
    }
}
