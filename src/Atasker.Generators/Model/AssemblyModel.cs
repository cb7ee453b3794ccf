using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Atasker.Generators.Model;

/// <summary>What the process dispatcher and the worker entry need to know about the compilation.</summary>
/// <param name="DispatcherName">The generated dispatcher's class name, made from the assembly's name.</param>
/// <param name="IsExecutable">Whether the compilation is an app (only apps get a worker entry).</param>
/// <param name="ReferencedDispatchers">For apps: the dispatchers of referenced assemblies with process tasks, fully
/// qualified.</param>
internal sealed record AssemblyModel(string DispatcherName, bool IsExecutable, EquatableArray<string> ReferencedDispatchers)
{
    public const string ProcessTasksAttribute = "Atasker.CompilerServices.ProcessTasksAttribute";

    public static AssemblyModel From(Compilation compilation, CancellationToken cancellationToken)
    {
        bool executable = compilation.Options.OutputKind is OutputKind.ConsoleApplication or OutputKind.WindowsApplication or OutputKind.WindowsRuntimeApplication;
        var referenced = EquatableArray<string>.Empty;
        if (executable)
        {
            referenced = compilation.SourceModule.ReferencedAssemblySymbols
                .SelectMany(assembly => assembly.GetAttributes())
                .Where(attribute => attribute.AttributeClass?.ToDisplayString() == ProcessTasksAttribute)
                .Select(attribute => attribute.ConstructorArguments.FirstOrDefault().Value as INamedTypeSymbol)
                .Where(type => type is not null)
                .Select(type => type!.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat))
                .OrderBy(name => name, System.StringComparer.Ordinal)
                .ToEquatableArray();
        }

        cancellationToken.ThrowIfCancellationRequested();
        string safe = new((compilation.AssemblyName ?? "Assembly").Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());
        return new AssemblyModel("ProcessTasks_" + safe, executable, referenced);
    }
}
