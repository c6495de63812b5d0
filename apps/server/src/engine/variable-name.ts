import { z } from 'zod';

/** Variable names are plain identifiers so that `{{name}}` and dotted paths stay unambiguous. */
export const variableNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _, not starting with a digit')
  .max(64);

export const variableTypeSchema = z.enum(['string', 'number', 'boolean', 'date', 'list', 'object']);
export type VariableType = z.infer<typeof variableTypeSchema>;
