import { type ReactNode, type SelectHTMLAttributes, useId } from 'react';

/** A compact labelled select (filters, toolbars): the label names the control and nothing else. */
export function SelectField({
  label,
  hideLabel,
  children,
  ...rest
}: SelectHTMLAttributes<HTMLSelectElement> & {
  label: string;
  hideLabel?: boolean;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <div className="filter">
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      <select id={id} {...rest}>
        {children}
      </select>
    </div>
  );
}
