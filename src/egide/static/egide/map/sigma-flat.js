// How the large map's WebGL programs send their work to the graphics processor, made cheap for software
// rendering (SwiftShader, what a browser uses without a usable GPU, and what the benchmarks measure).
//
// - Sigma's programs draw each actor or relationship as an instance of a small shape (instanced arrays). A software
//   renderer pays a fixed cost per instance: 5,000 actors and 25,000 relationships cost more than all their
//   pixels. `withoutInstancing` writes every vertex of every item into one buffer instead, drawn in one call,
//   and sends that buffer again only when the items changed (not when the view moves).
// - `pickingWhenStill` skips the picking layer (the hidden drawing that tells which actor is under the pointer)
//   while the view moves: nothing is hovered then, and sigma draws the layer again with the relationships when
//   the view stops.

import { createEdgeArrowHeadProgram, createEdgeClampedProgram, createEdgeCompoundProgram, getAttributesItemsCount } from 'sigma/rendering';

/* The same program, its per-instance data repeated for each vertex beside the vertex's own constant data. */
export function withoutInstancing(Base) {
  let layout = null; // read once from Base's definition: {items, constantItems, constants}
  return class extends Base {
    getDefinition() {
      const { CONSTANT_ATTRIBUTES: constant = [], CONSTANT_DATA: _perVertex, ...definition } = super.getDefinition();
      return { ...definition, ATTRIBUTES: [...definition.ATTRIBUTES, ...constant] };
    }

    // The vertices are sent to the graphics processor only when they changed, not at every frame: moving the
    // view changes the camera's matrix alone. (Sigma 3.0's Program: bindProgram() binds the attributes of
    // program.buffer and sends this.array; bindAttribute() binds one.)
    reallocate(capacity) {
      this.version = (this.version || 0) + 1;
      super.reallocate(capacity);
    }

    process(...args) {
      this.version = (this.version || 0) + 1;
      return super.process(...args);
    }

    bindProgram(program) {
      const version = this.version || 0;
      if (program.sent !== version) {
        super.bindProgram(program);
        program.sent = version;
        return;
      }
      const gl = program.gl;
      gl.bindBuffer(gl.ARRAY_BUFFER, program.buffer);
      let offset = 0;
      for (const attribute of this.ATTRIBUTES) offset += this.bindAttribute(attribute, program, offset);
      gl.bindBuffer(gl.ARRAY_BUFFER, null);
    }

    processVisibleItem(index, start, ...rest) {
      super.processVisibleItem(index, start, ...rest); // writes the item's data at `start`, as for one instance
      if (!layout) {
        const definition = Base.prototype.getDefinition.call(this);
        layout = {
          items: getAttributesItemsCount(definition.ATTRIBUTES),
          constantItems: getAttributesItemsCount(definition.CONSTANT_ATTRIBUTES || []),
          constants: definition.CONSTANT_DATA || [],
        };
      }
      const { items, constantItems, constants } = layout;
      // Colours are packed into floats: copy their bits, not their values.
      if (!this.words || this.words.buffer !== this.array.buffer) this.words = new Uint32Array(this.array.buffer);
      const words = this.words;
      const array = this.array;
      const stride = items + constantItems;
      for (let v = constants.length - 1; v >= 0; v--) {
        const at = start + v * stride;
        if (v > 0) for (let k = 0; k < items; k++) words[at + k] = words[start + k];
        const vector = constants[v];
        for (let k = 0; k < constantItems; k++) array[at + items + k] = vector[k];
      }
    }
  };
}

/* The same program, drawing its picking layer only when the view is still (as sigma decides for hideEdgesOnMove). */
export function pickingWhenStill(Base) {
  return class extends Base {
    render(params) {
      const captor = this.renderer.getMouseCaptor();
      const moving = this.renderer.getCamera().isAnimated() || captor.isMoving || captor.draggedEvents > 0
        || Boolean(captor.currentWheelDirection);
      const picking = this.pickProgram;
      if (!moving || !picking) {
        super.render(params);
        return;
      }
      this.pickProgram = null;
      try {
        super.render(params);
      } finally {
        this.pickProgram = picking;
      }
    }
  };
}

/* Sigma's arrows (a line stopped at the target's edge, and a head), one vertex buffer each. */
export const EdgeArrowFlatProgram = createEdgeCompoundProgram([
  withoutInstancing(createEdgeClampedProgram()),
  withoutInstancing(createEdgeArrowHeadProgram()),
]);
