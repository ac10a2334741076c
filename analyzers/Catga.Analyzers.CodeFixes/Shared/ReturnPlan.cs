using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;

namespace Catga.Analyzers.CodeFixes.Shared
{
    /// <summary>How one return of a task-returning method is written once the method is async.</summary>
    internal sealed class ReturnPlan
    {
        private enum Action
        {
            /// <summary>The task is already complete and has no value: <c>return;</c>.</summary>
            ReturnNothing,

            /// <summary>A task built from a value: return the value.</summary>
            ReturnValue,

            /// <summary>Any other task: await it.</summary>
            Await,
        }

        private readonly Action _action;
        private readonly ExpressionSyntax _expression;
        private readonly ExpressionSyntax? _value;
        private readonly bool _generic;

        private ReturnPlan(Action action, ExpressionSyntax expression, ExpressionSyntax? value, bool generic)
        {
            _action = action;
            _expression = expression;
            _value = value;
            _generic = generic;
        }

        public static ReturnPlan? For(ExpressionSyntax expression, TaskShape.Kind shape, SemanticModel model, CancellationToken cancellationToken)
        {
            var operation = model.GetOperation(expression, cancellationToken);
            while (operation is IConversionOperation { IsImplicit: true } conversion)
            {
                operation = conversion.Operand;
            }

            switch (shape)
            {
                case TaskShape.Kind.NonGeneric:
                    bool completed = operation is IDefaultValueOperation
                        || operation is IObjectCreationOperation { Arguments.Length: 0 }
                        || operation is IPropertyReferenceOperation { Property.Name: "CompletedTask" } completedTask
                            && TaskShape.IsTaskOrValueTask(completedTask.Property.ContainingType, model.Compilation);
                    return new ReturnPlan(completed ? Action.ReturnNothing : Action.Await, expression, null, generic: false);
                case TaskShape.Kind.Generic:
                    if (operation is IDefaultValueOperation || operation is ILiteralOperation)
                    {
                        // 'return default;' in a Task<T> method returns a null task; there is no faithful async form.
                        return null;
                    }

                    if (operation is IObjectCreationOperation { Arguments.Length: 1 } creation
                        && TaskShape.Of(creation.Type!, model.Compilation) == TaskShape.Kind.Generic
                        && !TaskShape.IsTaskOrValueTask(creation.Arguments[0].Value.Type, model.Compilation)
                        && creation.Arguments[0].Value.Syntax is ExpressionSyntax created)
                    {
                        return new ReturnPlan(Action.ReturnValue, expression, created, generic: true);
                    }

                    if (operation is IInvocationOperation { TargetMethod.Name: "FromResult", Arguments.Length: 1 } fromResult
                        && TaskShape.IsTaskOrValueTask(fromResult.TargetMethod.ContainingType, model.Compilation)
                        && fromResult.Arguments[0].Value.Syntax is ExpressionSyntax result)
                    {
                        return new ReturnPlan(Action.ReturnValue, expression, result, generic: true);
                    }

                    return new ReturnPlan(Action.Await, expression, null, generic: true);
                default:
                    return new ReturnPlan(Action.ReturnNothing, expression, null, generic: false);
            }
        }

        /// <summary>The nodes this plan reads when it is applied, to be tracked across earlier edits.</summary>
        public IEnumerable<SyntaxNode> Nodes(SyntaxNode returnNode)
        {
            yield return returnNode;
            yield return _expression;
            if (_value is not null)
            {
                yield return _value;
            }
        }

        public SyntaxNode Apply(SyntaxNode function, SyntaxNode originalReturn)
        {
            var current = function.GetCurrentNode(originalReturn)!;
            var expression = function.GetCurrentNode(_expression)!;
            var action = current is ArrowExpressionClauseSyntax && _action == Action.ReturnNothing ? Action.Await : _action;
            switch (action)
            {
                case Action.ReturnValue:
                    var value = function.GetCurrentNode(_value!)!;
                    return function.ReplaceNode(expression, value.WithTriviaFrom(expression));
                case Action.Await when current is ArrowExpressionClauseSyntax || _generic:
                    return function.ReplaceNode(expression, Await(expression));
                case Action.Await:
                    var statement = (ReturnStatementSyntax)current;
                    var awaited = SyntaxFactory.ExpressionStatement(Await(expression.WithoutTrivia()))
                        .WithTriviaFrom(statement)
                        .WithAdditionalAnnotations(Formatter.Annotation);
                    if (statement.Parent is BlockSyntax block)
                    {
                        // The last statement of the method needs no 'return;' after the await.
                        bool last = block.Parent == function && block.Statements.Last() == statement;
                        return last
                            ? function.ReplaceNode(statement, awaited)
                            : function.ReplaceNode(statement, new SyntaxNode[] { awaited.WithTrailingTrivia(SyntaxFactory.ElasticLineFeed), EmptyReturn(statement) });
                    }

                    return function.ReplaceNode(statement, SyntaxFactory.Block(awaited, EmptyReturn(statement)).WithAdditionalAnnotations(Formatter.Annotation));
                default:
                    var returned = (ReturnStatementSyntax)current;
                    return function.ReplaceNode(returned, EmptyReturn(returned));
            }
        }

        private static ExpressionSyntax Await(ExpressionSyntax expression)
            => SyntaxFactory.AwaitExpression(expression.WithoutLeadingTrivia()).WithLeadingTrivia(expression.GetLeadingTrivia());

        private static ReturnStatementSyntax EmptyReturn(ReturnStatementSyntax statement)
            => SyntaxFactory.ReturnStatement().WithTriviaFrom(statement).WithAdditionalAnnotations(Formatter.Annotation);
    }
}
