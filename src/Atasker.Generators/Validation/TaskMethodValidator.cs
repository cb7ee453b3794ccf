using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Atasker.Generators.Validation;

/// <summary>
/// The one answer to "is this <c>[BackgroundTask]</c> or <c>[BackgroundWorker]</c> method valid, and what is its
/// shape?". The generator calls it and skips a method with any error; the analyzer calls it and reports what it found,
/// at the exact place. The rules both attributes share (partial, parameters, priority, loops, names) are one code.
/// </summary>
internal static partial class TaskMethodValidator
{
    private const string TaskAttributeName = "BackgroundTask";
    private const string WorkerAttributeName = "BackgroundWorker";
    private const double MaxDelaySeconds = (uint.MaxValue - 1) / 1000.0;

    /// <summary>Checks a method carrying <c>[BackgroundTask]</c> or <c>[BackgroundWorker]</c> (the one
    /// <paramref name="attribute"/> is).</summary>
    /// <param name="method">The method's symbol.</param>
    /// <param name="declaration">The declaration the attribute is on (the definition or the implementation).</param>
    /// <param name="attribute">The attribute.</param>
    /// <param name="collectDiagnostics">Whether to build diagnostics (the analyzer) or only decide validity (the generator).</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    public static TaskMethodCheck Check(
        IMethodSymbol method,
        MethodDeclarationSyntax declaration,
        AttributeData attribute,
        bool collectDiagnostics,
        CancellationToken cancellationToken)
    {
        bool isWorker = KnownTypes.IsWorkerAttribute(attribute.AttributeClass);
        var check = new TaskMethodCheck(collectDiagnostics)
        {
            Shape = KnownTypes.ShapeOf(method),
            Arguments = TaskAttributeArguments.Read(attribute),
            Worker = isWorker ? WorkerAttributeArguments.Read(attribute) : null,
            AttributeName = isWorker ? WorkerAttributeName : TaskAttributeName,
        };
        var name = declaration.Identifier;

        CheckPartial(method, declaration, check);
        CheckContainingTypes(method, declaration, check);

        // Only the implementing part says 'async'; the attribute may be on either part.
        if ((method.PartialImplementationPart ?? method).IsAsync && method.ReturnsVoid)
        {
            check.Report(DiagnosticDescriptors.AsyncVoid, declaration.ReturnType.GetLocation(), method.Name);
        }

        CheckParameters(method, declaration, check);
        if (isWorker)
        {
            CheckWorker(method, declaration, attribute, check, cancellationToken);
        }
        else
        {
            CheckReturn(method, declaration, check);
            CheckDuration(check, method.Name, attribute, "Delay", check.Arguments.Delay, cancellationToken);
        }

        var arguments = check.Arguments;
        if (arguments.Priority is < 0 or > 3)
        {
            check.Report(
                DiagnosticDescriptors.InvalidPriority,
                ArgumentLocation(attribute, "Priority", cancellationToken) ?? name.GetLocation(),
                check.AttributeName,
                method.Name,
                arguments.Priority);
        }

        if (!KnownTypes.IsAwaitable(check.Shape))
        {
            if (arguments.Kind == KnownTypes.AsyncKind)
            {
                check.Report(DiagnosticDescriptors.AsyncKindOnSyncBody, ArgumentLocation(attribute, "Kind", cancellationToken) ?? name.GetLocation(), method.Name, check.AttributeName);
            }

            if (arguments.Loop is not null)
            {
                check.Report(DiagnosticDescriptors.LoopOnSyncBody, ArgumentLocation(attribute, "Loop", cancellationToken) ?? name.GetLocation(), method.Name, arguments.Loop, check.AttributeName);
            }
        }
        else if (arguments.Loop is not null && KindOf(check) != KnownTypes.AsyncKind)
        {
            check.Report(DiagnosticDescriptors.LoopWithoutLoopKind, ArgumentLocation(attribute, "Loop", cancellationToken) ?? name.GetLocation(), method.Name, arguments.Loop, arguments.Kind == KnownTypes.ProcessKind ? "Process" : "Thread", check.AttributeName);
        }

        if (arguments.Kind == KnownTypes.ProcessKind && !isWorker)
        {
            CheckProcess(method, declaration, check, isWorker: false);
        }

        CheckBothAttributes(method, declaration, isWorker, check);
        CheckGeneratedNames(method, declaration, check);
        return check;
    }

    /// <summary>Seconds from 0 to the timers' limit (about 49 days).</summary>
    private static void CheckDuration(TaskMethodCheck check, string methodName, AttributeData attribute, string setting, double seconds, CancellationToken cancellationToken)
    {
        if (double.IsNaN(seconds) || seconds < 0 || seconds > MaxDelaySeconds)
        {
            var location = ArgumentLocation(attribute, setting, cancellationToken)
                ?? (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation());
            check.Report(DiagnosticDescriptors.InvalidTaskDelay, location, methodName, seconds, setting, check.AttributeName);
        }
    }

    /// <summary>A method is a task or a worker's body, not both. The worker's check reports it; the task's only marks
    /// the method invalid (one message, not two).</summary>
    private static void CheckBothAttributes(IMethodSymbol method, MethodDeclarationSyntax declaration, bool isWorker, TaskMethodCheck check)
    {
        bool hasOther = method.GetAttributes().Any(attribute => IsAttribute(attribute, !isWorker));
        if (!hasOther)
        {
            return;
        }

        if (isWorker)
        {
            check.Report(DiagnosticDescriptors.BothAttributes, declaration.Identifier.GetLocation(), method.Name);
        }
        else
        {
            check.Fail(DiagnosticIds.BothAttributes);
        }
    }

    /// <summary>Where the body runs, as the TaskKind number: the attribute's Kind, else Async for an awaitable body and
    /// Thread for any other (a sync body never runs on a loop).</summary>
    public static int KindOf(TaskMethodCheck check) =>
        !KnownTypes.IsAwaitable(check.Shape) ? (check.Arguments.Kind == KnownTypes.ProcessKind ? KnownTypes.ProcessKind : KnownTypes.ThreadKind)
        : check.Arguments.Kind ?? KnownTypes.AsyncKind;

    /// <summary>The launcher's name: Start + the method's name without a trailing Async.</summary>
    public static string StubNameOf(string methodName) => "Start" + TrimAsyncSuffix(methodName);

    /// <summary>A worker's property name: the method's name without a trailing Async, + Worker.</summary>
    public static string WorkerPropertyNameOf(string methodName) => TrimAsyncSuffix(methodName) + "Worker";

    /// <summary>The generated member of a checked method: its launcher or its worker property.</summary>
    public static string GeneratedNameOf(string methodName, TaskMethodCheck check) =>
        check.Worker is null ? StubNameOf(methodName) : WorkerPropertyNameOf(methodName);

    private static string TrimAsyncSuffix(string name) =>
        name.Length > "Async".Length && name.EndsWith("Async", StringComparison.Ordinal)
            ? name[..^"Async".Length]
            : name;

    private static void CheckPartial(IMethodSymbol method, MethodDeclarationSyntax declaration, TaskMethodCheck check)
    {
        var location = declaration.Identifier.GetLocation();
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            check.Report(DiagnosticDescriptors.MethodNotPartial, location, method.Name, check.AttributeName, GeneratedNameOf(method.Name, check));
            return;
        }

        // The symbol may be either part: a definition knows its implementation, an implementation knows its definition.
        bool implemented = declaration.Body is not null
            || declaration.ExpressionBody is not null
            || method.PartialImplementationPart is not null
            || method.PartialDefinitionPart is not null;
        if (!implemented)
        {
            check.Report(DiagnosticDescriptors.NoImplementation, location, method.Name, check.AttributeName);
        }
    }

    private static void CheckContainingTypes(IMethodSymbol method, MethodDeclarationSyntax declaration, TaskMethodCheck check)
    {
        for (var node = declaration.Parent; node is not null; node = node.Parent)
        {
            if (node is not TypeDeclarationSyntax type)
            {
                continue;
            }

            if (!type.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                check.Report(DiagnosticDescriptors.ContainingTypeNotPartial, type.Identifier.GetLocation(), type.Identifier.ValueText, check.AttributeName, method.Name);
            }

            if (type.Modifiers.Any(SyntaxKind.FileKeyword))
            {
                check.Report(DiagnosticDescriptors.FileLocalContainingType, type.Identifier.GetLocation(), check.AttributeName, method.Name, type.Identifier.ValueText);
            }
        }

        if (!method.IsStatic && method.ContainingType.IsRefLikeType)
        {
            check.Report(DiagnosticDescriptors.RefStructInstanceMethod, declaration.Identifier.GetLocation(), check.AttributeName, method.Name, method.ContainingType.Name);
        }
    }

    private static void CheckParameters(IMethodSymbol method, MethodDeclarationSyntax declaration, TaskMethodCheck check)
    {
        var parameters = method.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            Location Where() => i < declaration.ParameterList.Parameters.Count
                ? declaration.ParameterList.Parameters[i].GetLocation()
                : declaration.Identifier.GetLocation();

            if (parameter.RefKind != RefKind.None)
            {
                check.Report(DiagnosticDescriptors.ByRefParameter, Where(), parameter.Name, check.AttributeName, method.Name, RefKindText(parameter.RefKind));
            }
            else if (!KnownTypes.CanBeStored(parameter.Type))
            {
                check.Report(DiagnosticDescriptors.UnsupportedParameterType, Where(), parameter.Name, check.AttributeName, method.Name, parameter.Type.ToDisplayString());
            }
        }

        if (method.IsVararg)
        {
            check.Report(DiagnosticDescriptors.UnsupportedParameterType, declaration.ParameterList.GetLocation(), "__arglist", check.AttributeName, method.Name, "__arglist");
        }

        check.TakesCancellationToken = TakesCancellationToken(method);
    }

    /// <summary>Whether the last parameter is a CancellationToken passed by value (the launchers leave it out).</summary>
    private static bool TakesCancellationToken(IMethodSymbol method) =>
        method.Parameters.Length > 0
        && method.Parameters[^1] is { RefKind: RefKind.None } last
        && KnownTypes.IsCancellationToken(last.Type);

    /// <summary>Whether an attribute is <c>[BackgroundWorker]</c> (<paramref name="worker"/>) or <c>[BackgroundTask]</c>.</summary>
    public static bool IsAttribute(AttributeData attribute, bool worker) =>
        worker
            ? KnownTypes.IsWorkerAttribute(attribute.AttributeClass)
            : attribute.AttributeClass?.ToDisplayString() == KnownTypes.BackgroundTaskAttribute;

    /// <summary>Where a method's attribute is written (file, then position), to pick the first of several methods.
    /// The attribute is always in the user's code, where a generated definition part is not.</summary>
    public static (string Path, int Start) SourceOrder(IMethodSymbol method, bool worker) =>
        method.GetAttributes().FirstOrDefault(attribute => IsAttribute(attribute, worker))?.ApplicationSyntaxReference is { } reference
            ? (reference.SyntaxTree.FilePath, reference.Span.Start)
            : ("", 0);

    private static void CheckReturn(IMethodSymbol method, MethodDeclarationSyntax declaration, TaskMethodCheck check)
    {
        if (method.ReturnsByRef || method.ReturnsByRefReadonly || (!method.ReturnsVoid && !KnownTypes.CanBeStored(method.ReturnType)))
        {
            check.Report(DiagnosticDescriptors.UnsupportedReturnType, declaration.ReturnType.GetLocation(), check.AttributeName, method.Name, method.ReturnType.ToDisplayString());
        }
    }

    /// <summary>What a method must be to run in a worker process: static, not generic, reachable by the generated
    /// dispatcher, and taking and returning only types the codec carries.</summary>
    private static void CheckProcess(IMethodSymbol method, MethodDeclarationSyntax declaration, TaskMethodCheck check, bool isWorker)
    {
        var name = declaration.Identifier.GetLocation();
        if (!method.IsStatic && !isWorker)
        {
            check.Report(DiagnosticDescriptors.ProcessInstanceMethod, name, method.Name);
        }

        bool genericType = false;
        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            genericType |= type.TypeParameters.Length > 0;
            if (type.ContainingType is not null && type.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                check.Report(DiagnosticDescriptors.ProcessUnreachableType, name, method.Name, type.Name);
            }
        }

        if ((method.IsGenericMethod && !isWorker) || genericType)
        {
            // Its type parameters are what the codec cannot carry; one message says so.
            check.Report(DiagnosticDescriptors.ProcessGenericMethod, name, method.Name);
            return;
        }

        if (method.IsGenericMethod)
        {
            return; // a generic worker: GenericWorker says so
        }

        var parameters = method.Parameters;
        int carried = parameters.Length - (check.TakesCancellationToken ? 1 : 0);
        for (int i = 0; i < carried; i++)
        {
            if (parameters[i].RefKind == RefKind.None && KnownTypes.CanBeStored(parameters[i].Type) && ProcessCodec.FindUnsupported(parameters[i].Type) is { } unsupported)
            {
                var location = i < declaration.ParameterList.Parameters.Count ? declaration.ParameterList.Parameters[i].GetLocation() : name;
                check.Report(DiagnosticDescriptors.ProcessUnsupportedType, location, $"Parameter '{parameters[i].Name}'", method.Name, unsupported.ToDisplayString(), ProcessCodec.SupportedTypes);
            }
        }

        if (ResultTypeOf(method, check.Shape) is { } result && KnownTypes.CanBeStored(result) && ProcessCodec.FindUnsupported(result) is { } unsupportedResult)
        {
            check.Report(DiagnosticDescriptors.ProcessUnsupportedType, declaration.ReturnType.GetLocation(), "The result", method.Name, unsupportedResult.ToDisplayString(), ProcessCodec.SupportedTypes);
        }
    }

    /// <summary>The value a task's handle carries: the return value, or the awaited one; null for none.</summary>
    public static ITypeSymbol? ResultTypeOf(IMethodSymbol method, MethodShape shape) => shape switch
    {
        MethodShape.Value when !method.ReturnsByRef && !method.ReturnsByRefReadonly => method.ReturnType,
        MethodShape.TaskOfT or MethodShape.ValueTaskOfT => ((INamedTypeSymbol)method.ReturnType).TypeArguments[0],
        _ => null,
    };

    private static void CheckGeneratedNames(IMethodSymbol method, MethodDeclarationSyntax declaration, TaskMethodCheck check)
    {
        var stubName = GeneratedNameOf(method.Name, check);
        var stubParameters = StubParameters(method);

        foreach (var member in method.ContainingType.GetMembers(stubName))
        {
            // The analyzer sees the compilation with the generated launchers in it: those are not collisions.
            if (IsGeneratedByAtasker(member))
            {
                continue;
            }

            bool collides = check.Worker is not null
                || member is not IMethodSymbol existing
                || SameTypes(existing.Parameters.Select(p => p.Type).ToList(), stubParameters)
                || (existing.Parameters.Length == stubParameters.Count + 1
                    && KnownTypes.IsTaskOptions(existing.Parameters[stubParameters.Count].Type)
                    && SameTypes(existing.Parameters.Take(stubParameters.Count).Select(p => p.Type).ToList(), stubParameters));
            if (collides)
            {
                check.Report(DiagnosticDescriptors.GeneratedNameCollision, declaration.Identifier.GetLocation(), check.AttributeName, method.Name, stubName, method.ContainingType.Name, $"a member '{stubName}' with the same parameters exists already");
                return;
            }
        }

        // Another method of the type with the same attribute may generate the same member (worker overloads; M and
        // MAsync; M(x) and M(x, token)): the later one in source order reports it. The same method declared twice is
        // the compiler's error (CS0756/CS0757), not this one.
        var self = method.PartialDefinitionPart ?? method;
        bool isWorker = check.Worker is not null;
        var position = SourceOrder(self, isWorker);
        foreach (var other in method.ContainingType.GetMembers().OfType<IMethodSymbol>())
        {
            if (SymbolEqualityComparer.Default.Equals(other, self)
                || (isWorker ? WorkerPropertyNameOf(other.Name) : StubNameOf(other.Name)) != stubName
                || !other.GetAttributes().Any(attribute => IsAttribute(attribute, isWorker))
                || (other.Name == method.Name && SameTypes(other.Parameters.Select(p => p.Type).ToList(), method.Parameters.Select(p => p.Type).ToList()))
                || (!isWorker && !SameTypes(StubParameters(other), stubParameters))
                || SourceOrder(other, isWorker).CompareTo(position) > 0)
            {
                continue;
            }

            check.Report(DiagnosticDescriptors.GeneratedNameCollision, declaration.Identifier.GetLocation(), check.AttributeName, method.Name, stubName, method.ContainingType.Name, $"[{check.AttributeName}] method '{other.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}' generates it too");
            return;
        }
    }

    /// <summary>The parameter types a task's launcher takes: the method's, without a trailing CancellationToken.</summary>
    private static List<ITypeSymbol> StubParameters(IMethodSymbol method) =>
        method.Parameters
            .Take(method.Parameters.Length - (TakesCancellationToken(method) ? 1 : 0))
            .Select(p => p.Type)
            .ToList();

    private static bool IsGeneratedByAtasker(ISymbol member) =>
        member.GetAttributes().Any(attribute =>
            attribute.AttributeClass is { Name: "GeneratedCodeAttribute" }
            && attribute.ConstructorArguments.Length > 0
            && attribute.ConstructorArguments[0].Value as string == "Atasker.Generators");

    private static bool SameTypes(List<ITypeSymbol> left, List<ITypeSymbol> right) =>
        left.Count == right.Count && left.Zip(right, (a, b) => SymbolEqualityComparer.Default.Equals(a, b)).All(same => same);

    private static string RefKindText(RefKind kind) => kind switch
    {
        RefKind.Ref => "ref",
        RefKind.Out => "out",
        RefKind.In => "in",
        _ => "ref readonly",
    };

    private static Location? ArgumentLocation(AttributeData attribute, string name, CancellationToken cancellationToken) =>
        (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax)?
            .ArgumentList?.Arguments
            .FirstOrDefault(argument => argument.NameEquals?.Name.Identifier.ValueText == name)?
            .GetLocation();
}
