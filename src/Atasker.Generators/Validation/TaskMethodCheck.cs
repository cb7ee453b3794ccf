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

    /// <summary>The worker settings of a <c>[BackgroundWorker]</c> method; null for a task.</summary>
    public WorkerAttributeArguments? Worker { get; set; }

    /// <summary>The attribute's name as messages show it: BackgroundTask or BackgroundWorker.</summary>
    public string AttributeName { get; set; } = "BackgroundTask";

    /// <summary>True when any error was found: the generator writes no working launcher for the method.</summary>
    public bool HasErrors => FirstErrorId is not null;

    /// <summary>The id of the first error found, or null.</summary>
    public string? FirstErrorId { get; private set; }

    /// <summary>Whether an error with this id was found.</summary>
    public bool HasError(string id) => _errorIds?.Contains(id) == true;

    /// <summary>Marks the method invalid with an error another check reports.</summary>
    public void Fail(string id)
    {
        FirstErrorId ??= id;
        (_errorIds ??= new HashSet<string>()).Add(id);
    }

    public IReadOnlyList<Diagnostic> Diagnostics => (IReadOnlyList<Diagnostic>?)_diagnostics ?? [];

    public void Report(DiagnosticDescriptor descriptor, Location? location, params object?[] arguments)
    {
        if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
        {
            Fail(descriptor.Id);
        }

        if (_collectDiagnostics)
        {
            (_diagnostics ??= new List<Diagnostic>()).Add(Diagnostic.Create(descriptor, location, arguments));
        }
    }
}
