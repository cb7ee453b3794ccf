using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Atasker.Generators.Emit;
using Atasker.Generators.Model;
using Atasker.Generators.Validation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Atasker.Generators.Tasks;

public sealed partial class TaskGenerator
{
    /// <summary>Symbols and syntax in, an equatable <see cref="TaskMethodModel"/> out (or null to skip the method).</summary>
    internal static class Parser
    {
        private const int MaxHintNameLength = 120;

        public static TaskMethodModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not IMethodSymbol method || context.TargetNode is not MethodDeclarationSyntax declaration)
            {
                return null;
            }

            var check = TaskMethodValidator.Check(method, declaration, context.Attributes[0], collectDiagnostics: false, cancellationToken);

            // Nothing can be added to a type that is not partial or is file-local: the analyzer reports it.
            if (!CanExtendContainingTypes(declaration))
            {
                return null;
            }

            // The same method declared twice is the compiler's error (CS0756/CS0757) to report: the first declaration
            // gets one file, with launchers that throw (calling the method would be ambiguous), the others nothing.
            bool hasBody = declaration.Body is not null || declaration.ExpressionBody is not null;
            string? duplicateError = null;
            switch (Twins(method, KnownTypes.IsWorkerAttribute(context.Attributes[0].AttributeClass)))
            {
                case Declaration.Later:
                    return null;
                case Declaration.FirstOfTwins:
                    duplicateError = hasBody ? "CS0757" : "CS0756";
                    break;
            }

            var mode = check.HasErrors
                ? (check.HasError(DiagnosticIds.GeneratedNameCollision) ? GenerationMode.DeclarationOnly : GenerationMode.ThrowingLaunchers)
                : duplicateError is not null
                    ? GenerationMode.ThrowingLaunchers
                    : check.Arguments.Kind == KnownTypes.ProcessKind && check.Worker is null
                    ? GenerationMode.ProcessLaunchers
                    : GenerationMode.Launchers;

            var type = method.ContainingType;
            var containingTypes = ContainingTypes(type);
            string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } containingNamespace
                ? containingNamespace.ToDisplayString()
                : null;

            // Callers see the defining declaration's signature (its default values in particular): the launchers copy it.
            var signature = method.PartialDefinitionPart ?? method;
            bool needsUnsafe = KnownTypes.IsPointer(method.ReturnType) || signature.Parameters.Any(parameter => KnownTypes.IsPointer(parameter.Type));

            bool isPartial = declaration.Modifiers.Any(SyntaxKind.PartialKeyword);
            bool userWroteDefinition = !hasBody || method.PartialDefinitionPart is not null;
            // A method with both attributes (an error) gets its declaration from the task's file only.
            bool declaredByTask = check.Worker is not null && method.GetAttributes().Any(attribute => attribute.AttributeClass?.ToDisplayString() == KnownTypes.BackgroundTaskAttribute);
            string? definitionModifiers = !isPartial || userWroteDefinition || declaredByTask
                ? null
                : DefinitionModifiers(declaration, needsUnsafe);
            if (mode == GenerationMode.DeclarationOnly && definitionModifiers is null)
            {
                return null;
            }

            string stubModifiers = CSharpText.Accessibility(method.DeclaredAccessibility)
                + (method.IsStatic ? " static" : "")
                + (needsUnsafe ? " unsafe" : "");
            var arguments = check.Arguments;
            int kind = TaskMethodValidator.KindOf(check);

            return new TaskMethodModel(
                HintName: check.Worker is null ? HintName(method, ns) : HintName(method, ns).Replace(".g.cs", ".Worker.g.cs"),
                Mode: mode,
                ErrorId: mode == GenerationMode.ThrowingLaunchers ? check.FirstErrorId ?? duplicateError : null,
                Namespace: ns,
                ContainingTypes: containingTypes,
                MethodName: CSharpText.Identifier(method.Name),
                StubName: TaskMethodValidator.GeneratedNameOf(method.Name, check),
                DisplayName: DisplayName(method),
                IsStatic: method.IsStatic,
                StubModifiers: stubModifiers,
                DefinitionModifiers: definitionModifiers,
                Shape: check.Shape,
                ReturnType: ReturnType(method),
                ResultType: ResultType(method, check.Shape),
                TypeParameters: method.TypeParameters.Length == 0
                    ? ""
                    : "<" + string.Join(", ", method.TypeParameters.Select(parameter => CSharpText.Identifier(parameter.Name))) + ">",
                Constraints: method.TypeParameters.Select(Constraint).Where(clause => clause is not null).Select(clause => clause!).ToEquatableArray(),
                Parameters: signature.Parameters.Select(parameter => Parameter(signature, parameter)).ToEquatableArray(),
                TakesCancellationToken: check.TakesCancellationToken,
                Priority: arguments.Priority,
                Delay: arguments.Delay,
                Kind: kind,
                Loop: kind == KnownTypes.AsyncKind ? arguments.Loop : null,
                // A process worker's executions are process tasks: its invoker joins the dispatcher like a task's.
                Process: mode == GenerationMode.ProcessLaunchers || (mode == GenerationMode.Launchers && check.Worker is not null && kind == KnownTypes.ProcessKind)
                    ? ProcessModel(method, signature, check)
                    : null,
                Worker: check.Worker is { } worker ? WorkerModel(method, worker) : null);
        }

        private static WorkerModel WorkerModel(IMethodSymbol method, WorkerAttributeArguments worker)
        {
            // A queue worker's item is its first parameter; while that is missing (an error), object keeps uses compiling.
            string? itemType = null;
            if (worker.Queue)
            {
                var first = method.Parameters.FirstOrDefault();
                itemType = first is not null && !KnownTypes.IsCancellationToken(first.Type) && KnownTypes.CanBeStored(first.Type)
                    ? CSharpText.TypeName(first.Type)
                    : "object";
            }

            return new WorkerModel(
                worker.WorkerType,
                itemType,
                worker.Name ?? DisplayName(method),
                "__ataskerWorker_" + method.Name,
                worker.Interval,
                worker.Delay,
                worker.DelayBefore,
                worker.QueueCapacity,
                worker.Queue || worker.Event ? null : worker.Cron,
                worker.TimeZone);
        }

        /// <summary>The process codec for each carried argument and the result, and the method's stable id.</summary>
        private static ProcessMethodModel ProcessModel(IMethodSymbol method, IMethodSymbol signature, TaskMethodCheck check)
        {
            var parameters = signature.Parameters.Take(signature.Parameters.Length - (check.TakesCancellationToken ? 1 : 0)).ToList();
            var writes = new List<string>();
            var reads = new List<string>();
            foreach (var parameter in parameters)
            {
                var codec = ProcessCodec.Describe(parameter.Type, "__arguments", CSharpText.Identifier(parameter.Name), "__arguments")!.Value;
                writes.Add(codec.Write + ";");
                reads.Add(codec.Read);
            }

            var resultType = TaskMethodValidator.ResultTypeOf(method, check.Shape);
            var result = resultType is null ? null : ProcessCodec.Describe(resultType, "__result", "__value", "__reader");
            string fullName = CSharpText.TypeName(method.ContainingType) + "." + method.Name
                + "(" + string.Join(",", method.Parameters.Select(parameter => CSharpText.TypeName(parameter.Type))) + ")";
            ulong id = Fnv1a64(fullName);
            return new ProcessMethodModel(
                id,
                $"__AtaskerProcess_{method.Name}_{id.ToString("x16", System.Globalization.CultureInfo.InvariantCulture)}",
                writes.ToEquatableArray(),
                reads.ToEquatableArray(),
                result is null ? null : result.Value.Write + ";",
                result?.Read);
        }

        /// <summary>FNV-1a, 64 bits: stable across builds and machines (unlike string.GetHashCode).</summary>
        internal static ulong Fnv1a64(string text)
        {
            ulong hash = 14695981039346656037;
            foreach (byte b in Encoding.UTF8.GetBytes(text))
            {
                hash = unchecked((hash ^ b) * 1099511628211);
            }

            return hash;
        }

        private static bool CanExtendContainingTypes(MethodDeclarationSyntax declaration) =>
            declaration.Ancestors().OfType<TypeDeclarationSyntax>().All(type =>
                type.Modifiers.Any(SyntaxKind.PartialKeyword) && !type.Modifiers.Any(SyntaxKind.FileKeyword));

        /// <summary>The user's modifiers without <c>async</c> and <c>partial</c> (added back last, where C# wants it).</summary>
        private static string DefinitionModifiers(MethodDeclarationSyntax declaration, bool needsUnsafe)
        {
            var modifiers = declaration.Modifiers
                .Where(modifier => !modifier.IsKind(SyntaxKind.AsyncKeyword) && !modifier.IsKind(SyntaxKind.PartialKeyword))
                .Select(modifier => modifier.Text)
                .ToList();
            if (needsUnsafe && !modifiers.Contains("unsafe"))
            {
                modifiers.Add("unsafe");
            }

            return string.Join(" ", modifiers);
        }

        private static string ReturnType(IMethodSymbol method) =>
            (method.ReturnsByRefReadonly ? "ref readonly " : method.ReturnsByRef ? "ref " : "")
            + (method.ReturnsVoid ? "void" : CSharpText.TypeName(method.ReturnType));

        /// <summary>The type a handle carries: the body's value (or awaited value); null for none, or for a type a
        /// handle cannot carry (the method then has an error and its launchers throw).</summary>
        private static string? ResultType(IMethodSymbol method, MethodShape shape) =>
            TaskMethodValidator.ResultTypeOf(method, shape) is { } result && KnownTypes.CanBeStored(result) ? CSharpText.TypeName(result) : null;

        private static EquatableArray<ContainingTypeModel> ContainingTypes(INamedTypeSymbol innermost)
        {
            var types = new List<ContainingTypeModel>();
            for (var type = innermost; type is not null; type = type.ContainingType)
            {
                string name = CSharpText.Identifier(type.Name);
                types.Add(new ContainingTypeModel(Keyword(type), name + TypeParameterList(type, withVariance: true), name + TypeParameterList(type, withVariance: false)));
            }

            types.Reverse();
            return types.ToEquatableArray();
        }

        private static string Keyword(INamedTypeSymbol type) => type switch
        {
            { TypeKind: TypeKind.Interface } => "interface",
            { IsRecord: true, IsValueType: true } => "record struct",
            { IsRecord: true } => "record",
            { IsValueType: true, IsRefLikeType: true } => "ref struct",
            { IsValueType: true } => "struct",
            _ => "class",
        };

        private static string TypeParameterList(INamedTypeSymbol type, bool withVariance)
        {
            if (type.TypeParameters.Length == 0)
            {
                return "";
            }

            return "<" + string.Join(", ", type.TypeParameters.Select(parameter => (withVariance ? parameter.Variance : VarianceKind.None) switch
            {
                VarianceKind.In => "in ",
                VarianceKind.Out => "out ",
                _ => "",
            } + CSharpText.Identifier(parameter.Name))) + ">";
        }

        private static ParameterModel Parameter(IMethodSymbol method, IParameterSymbol parameter)
        {
            string modifiers = (method.IsExtensionMethod && parameter.Ordinal == 0 ? "this " : "")
                + (parameter.IsParams ? "params " : "")
                + parameter.RefKind switch
                {
                    RefKind.Ref => "ref ",
                    RefKind.Out => "out ",
                    RefKind.In => "in ",
                    RefKind.RefReadOnlyParameter => "ref readonly ",
                    _ => "",
                };
            return new ParameterModel(
                CSharpText.Identifier(parameter.Name),
                CSharpText.TypeName(parameter.Type),
                modifiers,
                parameter.HasExplicitDefaultValue ? CSharpText.DefaultValue(parameter) : null);
        }

        /// <summary>The <c>where</c> clause of a method type parameter, or null when it has no constraint.</summary>
        private static string? Constraint(ITypeParameterSymbol parameter)
        {
            var parts = new List<string>();
            if (parameter.HasReferenceTypeConstraint)
            {
                parts.Add(parameter.ReferenceTypeConstraintNullableAnnotation == NullableAnnotation.Annotated ? "class?" : "class");
            }
            else if (parameter.HasUnmanagedTypeConstraint)
            {
                parts.Add("unmanaged");
            }
            else if (parameter.HasValueTypeConstraint)
            {
                parts.Add("struct");
            }
            else if (parameter.HasNotNullConstraint)
            {
                parts.Add("notnull");
            }

            parts.AddRange(parameter.ConstraintTypes.Select(CSharpText.TypeName));
            if (parameter.HasConstructorConstraint)
            {
                parts.Add("new()");
            }

            return parts.Count == 0 ? null : $"where {CSharpText.Identifier(parameter.Name)} : {string.Join(", ", parts)}";
        }

        /// <summary>The task's name in diagnostics: its containing types and its own name, e.g. <c>Reports.Build</c>.</summary>
        private static string DisplayName(IMethodSymbol method)
        {
            var names = new List<string> { method.Name };
            for (var type = method.ContainingType; type is not null; type = type.ContainingType)
            {
                names.Add(type.Name);
            }

            names.Reverse();
            return string.Join(".", names);
        }

        private enum Declaration
        {
            Only,
            FirstOfTwins,
            Later,
        }

        /// <summary>
        /// Where <paramref name="method"/> stands, in source order, among the methods of its type that carry the same
        /// attribute and would get the same file name (the same signature declared twice, an error).
        /// </summary>
        private static Declaration Twins(IMethodSymbol method, bool worker)
        {
            var self = method.PartialDefinitionPart ?? method;
            string? name = null;
            var position = TaskMethodValidator.SourceOrder(self, worker);
            var result = Declaration.Only;
            foreach (var other in method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>())
            {
                if (SymbolEqualityComparer.Default.Equals(other, self)
                    || other.Parameters.Length != self.Parameters.Length
                    || other.TypeParameters.Length != self.TypeParameters.Length
                    || !other.GetAttributes().Any(attribute => TaskMethodValidator.IsAttribute(attribute, worker))
                    || HintName(other, null) != (name ??= HintName(self, null)))
                {
                    continue;
                }

                if (TaskMethodValidator.SourceOrder(other, worker).CompareTo(position) < 0)
                {
                    return Declaration.Later;
                }

                result = Declaration.FirstOfTwins;
            }

            return result;
        }

        /// <summary>A file name unique per method (overloads included), made of safe characters only.</summary>
        private static string HintName(IMethodSymbol method, string? ns)
        {
            var parts = new List<string> { method.Name + (method.TypeParameters.Length > 0 ? "`" + method.TypeParameters.Length : "") };
            for (var type = method.ContainingType; type is not null; type = type.ContainingType)
            {
                parts.Add(type.MetadataName);
            }

            if (ns is not null)
            {
                parts.Add(ns);
            }

            parts.Reverse();
            string name = string.Join(".", parts);
            if (method.Parameters.Length > 0)
            {
                name += "(" + string.Join(",", method.Parameters.Select(parameter => parameter.Type.ToDisplayString())) + ")";
            }

            var safe = new StringBuilder(name.Length);
            foreach (char c in name)
            {
                safe.Append(char.IsLetterOrDigit(c) || c is '.' or '_' ? c : '_');
            }

            string hint = safe.ToString().TrimEnd('_');
            if (hint.Length > MaxHintNameLength)
            {
                hint = hint[..MaxHintNameLength] + "_" + Fnv1a64(name).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
            }

            return hint + ".g.cs";
        }
    }
}
